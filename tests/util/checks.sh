# Sourced by the shell tests (tests/recipes/run.sh, tests/deb/install.sh): named checks that
# print PASS or FAIL, and the "N passed, N failed" line they end with.
passed=0
failed=0

# check NAME COMMAND...: runs COMMAND; PASS, or FAIL with the command and the end of its output.
check() {
    name=$1
    shift
    if out=$("$@" 2>&1); then
        passed=$((passed + 1))
        echo "PASS $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name: $*"
        printf '%s\n' "$out" | sed 's/^/    /' | tail -25
    fi
}

# summary: the last line, and the exit status (1 when any check failed).
summary() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
