# Self-test of the bundled Test::Nginx clone: most sections against the
# stock nginx, with an exact plan (any miscounted assertion breaks it).
# Blocks are shuffled (the default), so every block carries its own config.

BEGIN {
    $ENV{TEST_NGINX_RANDOMIZE} //= 1;
    # The listen port is random: a stale port from the caller would be wrong.
    delete $ENV{TEST_NGINX_SERVER_PORT} if $ENV{TEST_NGINX_RANDOMIZE};
    $ENV{TEST_NGINX_BINARY}    //= '/usr/sbin/nginx' if -x '/usr/sbin/nginx';
}

use Test::Nginx::Socket;

$ENV{TEST_NGINX_SELFTEST_WORD} = 'expanded';

repeat_each(2);

# Per-repeat assertion counts of the blocks below, in file order
# (TEST 22 is a SKIP block and contributes nothing).
my @per_block = (5, 5, 2, 2, 2, 2, 6, 6, 3, 2,     # TEST 1 .. 10
                 2, 2, 2, 2, 2, 3, 4, 2, 2, 3,     # TEST 11 .. 20
                 2, 2, 2, 3, 1, 2, 2, 2, 2);       # TEST 21, 23 .. 30

plan tests => repeat_each() * eval join '+', @per_block;

# 29 blocks are counted: the SKIP block is invisible to blocks().
die "block count mismatch: " . blocks() if blocks() != @per_block;

run_tests();

__DATA__

=== TEST 1: add_header and response_headers, incl. absent header
--- config
    location = /t {
        add_header X-Foo bar;
        return 200 "hello\n";
    }
--- request
GET /t
--- response_headers
X-Foo: bar
!X-Missing
Content-Type: text/plain
--- response_body
hello



=== TEST 2: default root location, headers_like, raw header checks
--- config
--- request
GET /
--- response_headers_like
Content-Type: text/h.*
--- raw_response_headers_like: Server: nginx
--- raw_response_headers_unlike: X-Nope
--- response_body_like: It works!
--- error_code: 200



=== TEST 3: user_files served statically
--- config
--- user_files
>>> sub/dir/hello.txt
Hello, user file
--- request
GET /sub/dir/hello.txt
--- response_body
Hello, user file



=== TEST 4: request body gets a Content-Length (checked via a proxied echo)
--- config
    location = /front {
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/back;
        proxy_set_header X-Body $request_body;
    }
    location = /back {
        return 200 "len=$http_content_length body=$http_x_body\n";
    }
--- request
POST /front
hello world
--- response_body
len=11 body=hello world



=== TEST 5: more_headers, overriding Host
--- config
    location = /t {
        return 200 "host=$host conn=$http_connection foo=$http_x_foo\n";
    }
--- more_headers
# comment lines are skipped
Host: example.com
X-Foo: 1
--- request
GET /t
--- response_body
host=example.com conn=close foo=1



=== TEST 6: default Host and Connection headers
--- config
    location = /t {
        return 200 "host=$http_host conn=$http_connection\n";
    }
--- request
GET /t
--- response_body
host=localhost conn=close



=== TEST 7: several requests with eval arrays
--- config
    location = /t {
        return 200 "a=$http_x_a\n";
    }
--- request eval
["GET /t", "GET /nope"]
--- more_headers eval
["X-A: 1", "X-A: 2"]
--- error_code eval
[200, 404]
--- response_body eval
["a=1\n", qr/404 Not Found/]
--- error_log
http request line:



=== TEST 8: pipelined requests on one connection, log checked per request
All responses arrive before the first log check, which therefore sees the
lines of both requests; the second check sees nothing new.
--- config
    location = /a { return 200 "a $http_connection\n"; }
    location = /b { return 200 "b $http_connection\n"; }
--- pipelined_requests eval
["GET /a", "GET /b"]
--- response_body eval
["a keep-alive\n", "b close\n"]
--- no_error_log
[error]



=== TEST 9: chunked response is decoded
--- config
    location = /t {
        ssi on;
        ssi_types text/plain;
        return 200 "hello ssi\n";
    }
--- request
GET /t
--- response_headers
Transfer-Encoding: chunked
--- response_body
hello ssi



=== TEST 10: $ServerPort in the expected body
--- config
    location = /t { return 200 "port=$server_port\n"; }
--- request
GET /t
--- response_body
port=$ServerPort



=== TEST 11: $TEST_NGINX_* expansion in config and response_body
--- config
    location = /t { return 200 "word=$TEST_NGINX_SELFTEST_WORD\n"; }
--- request
GET /t
--- response_body
word=$TEST_NGINX_SELFTEST_WORD



=== TEST 12: HTTP/0.9 raw request
--- config
    location = /t { return 200 "hello\n"; }
--- raw_request eval
"GET /t\r\n"
--- http09
--- response_body
hello



=== TEST 13: request split into packets with a delay
--- config
    location = /front {
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/back;
        proxy_set_header X-Body $request_body;
    }
    location = /back {
        return 200 "len=$http_content_length body=$http_x_body\n";
    }
--- request eval
[["POST /front\nhel", {value => "lo", delay_before => 0.05}]]
--- response_body
len=5 body=hello



=== TEST 14: response_body eval qr//
--- config
    location = /t { return 200 "hello 12345\n"; }
--- request
GET /t
--- response_body eval
qr/^hello \d+$/



=== TEST 15: response_body_unlike
--- config
    location = /t { return 200 "hello\n"; }
--- request
GET /t
--- response_body_unlike: world



=== TEST 16: error_code_like, error_log and no_error_log
--- config
--- request
GET /does-not-exist.html
--- error_code_like: ^40[0-9]$
--- error_log
No such file or directory
--- no_error_log
[crit]



=== TEST 17: error_log eval with strings and qr//
--- config
    location = /t { return 200 "hello\n"; }
--- request
GET /t
--- response_body
hello
--- error_log eval
[qr/http request line: "GET \/t HTTP\/1\.1"/, "http finalize request"]



=== TEST 18: per-block log_level
--- config
    location = /t { return 200 "hello\n"; }
--- log_level: warn
--- request
GET /t
--- no_error_log
[debug]



=== TEST 19: --- stap gives one skipped assertion
--- config
    location = /t { return 200 "hello\n"; }
--- request
GET /t
--- stap
F(ngx_http_handler) { T() }



=== TEST 20: skip_nginx (condition true): exactly N skips
--- config
    location = /t { return 200 "hello\n"; }
--- request
GET /t
--- skip_nginx: 3: > 0.1.0
--- response_body
never checked



=== TEST 21: skip_nginx (condition false): runs normally
--- config
    location = /t { return 200 "hello\n"; }
--- request
GET /t
--- skip_nginx: 2: < 0.1.0
--- response_body
hello



=== TEST 22: SKIP meta section
--- config
    location = /t { return 500; }
--- request
GET /t
--- response_body
would fail
--- SKIP



=== TEST 23: main_config, http_config and post_main_config placement
--- main_config
worker_rlimit_nofile 1024;
--- http_config
    map $uri $selftest_mapped {
        default "from_http_config";
    }
--- post_main_config
worker_shutdown_timeout 10s;
--- config
    location = /t { return 200 "$selftest_mapped\n"; }
--- request
GET /t
--- response_body
from_http_config



=== TEST 24: $TEST_NGINX_RAND_PORT_1 shared within a block
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_RAND_PORT_1;
        location / { return 200 "backend\n"; }
    }
--- config
    location = /t {
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/;
    }
--- request
GET /t
--- response_body
backend



=== TEST 25: wait before the log checks
--- config
    location = /t { return 200 "hello\n"; }
--- request
GET /t
--- wait: 0.1
--- response_body
hello
--- error_log
http finalize request



=== TEST 26: ignore_response still checks the log
--- config
    location = /t { return 444; }
--- request
GET /t
--- ignore_response
--- error_log
http finalize request



=== TEST 27: raw_request sent verbatim
--- config
    location = /t { return 200 "proto=$server_protocol host=$http_host\n"; }
--- raw_request eval
"GET /t HTTP/1.0\r\nHost: raw\r\n\r\n"
--- response_body
proto=HTTP/1.0 host=raw



=== TEST 28: request with comments and indentation
--- config
    location = /t { return 200 "args=$args\n"; }
--- request
    # a comment line
    GET /t?a=1&b=2
--- response_body
args=a=1&b=2



=== TEST 29: repeated response headers are joined
--- config
    location = /t {
        add_header X-Dup a;
        add_header X-Dup b;
        return 204;
    }
--- request
GET /t
--- error_code: 204
--- response_headers
X-Dup: a, b



=== TEST 30: chomp filter and response_body_filters
--- config
    location = /t { return 200 "hello"; }
--- request
GET /t
--- response_body_filters
uc
--- response_body chomp
HELLO
