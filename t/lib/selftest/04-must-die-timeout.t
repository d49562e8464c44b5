# Self-test: --- must_die (status and exit-code forms, error_log checks,
# suppress_stderr), recovery afterwards, and --- timeout with --- abort.

BEGIN {
    $ENV{TEST_NGINX_RANDOMIZE} //= 1;
    # The listen port is random: a stale port from the caller would be wrong.
    delete $ENV{TEST_NGINX_SERVER_PORT} if $ENV{TEST_NGINX_RANDOMIZE};
    $ENV{TEST_NGINX_BINARY}    //= '/usr/sbin/nginx' if -x '/usr/sbin/nginx';
}

use Test::Nginx::Socket;

repeat_each(2);

# Per repeat: 2 + 2 + 2 + 2.
plan tests => repeat_each() * 8;

no_shuffle();
run_tests();

__DATA__

=== TEST 1: must_die, with the reason in error.log
--- config
    location = /t { bad_directive_abc on; }
--- must_die
--- error_log
unknown directive "bad_directive_abc"
--- suppress_stderr



=== TEST 2: must_die with an expected exit code
--- config
    location = /t { return; }
--- must_die: 1
--- error_log
[emerg]
--- suppress_stderr



=== TEST 3: a normal block after must_die blocks
--- config
    location = /t { return 200 "alive\n"; }
--- request
GET /t
--- response_body
alive



=== TEST 4: timeout with abort: the partial response is checked normally
The first 200 bytes (headers and part of the body) come at once, the rest
at 1 byte/s: the client gives up after 300ms without a failure.
--- config
    location = /t {
        limit_rate_after 200;
        limit_rate 1;
        return 200 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    }
--- request
GET /t
--- timeout: 300ms
--- abort
--- response_body_like: ^a+$
