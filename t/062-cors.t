# api_cors: preflights answered before the API key and the rate limits,
# the CORS headers on every response to an allowed origin (problems, 429
# and 503 included), nothing at all for other origins, bad configuration
# refused at start-up.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;

repeat_each(1);

plan tests => repeat_each() * (12 + 10 + 14 + 6 + 10 + 7 + 4 + 5 + 4 + 2 * 5);

no_shuffle();

our $Expose = 'ETag, Location, Link, Retry-After, RateLimit, '
              . 'RateLimit-Policy, Idempotent-Replayed';

run_tests();

__DATA__

=== TEST 1: a preflight needs no key and is not counted by the limit
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $binary_remote_addr zone=z:1m rate=1r/m;
--- config
    location /v1/ {
        api;
        api_collection items;
        api_key on;
        api_limit_req zone=z;
        api_cors origins=http://app.test https://b.test:8443 credentials
                 max_age=10m;
    }
--- request
OPTIONS /v1/items/a
--- more_headers
Origin: https://b.test:8443
Access-Control-Request-Method: PATCH
Access-Control-Request-Headers: content-type, if-match, x-nope, idempotency-key
--- error_code: 204
--- response_headers
Access-Control-Allow-Origin: https://b.test:8443
Access-Control-Allow-Credentials: true
Access-Control-Allow-Methods: PATCH
Access-Control-Allow-Headers: content-type,if-match,idempotency-key
Access-Control-Max-Age: 600
Vary: Origin
!Allow
!WWW-Authenticate
!RateLimit
--- api_check
is(redis('DBSIZE'), 0, 'no limit state: the limit did not run');
--- no_error_log
[error]



=== TEST 2: a refusal by the key check carries the CORS headers
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /v1/ {
        api;
        api_collection items;
        api_key on;
        api_cors origins=http://app.test credentials;
    }
--- request
GET /v1/items/a
--- more_headers
Origin: http://app.test
--- error_code: 401
--- response_headers eval
"Access-Control-Allow-Origin: http://app.test
Access-Control-Allow-Credentials: true
Access-Control-Expose-Headers: $main::Expose
Vary: Origin
WWW-Authenticate: Bearer realm=\"api\"
Content-Type: application/problem+json
!Access-Control-Allow-Methods"
--- response_body_like: "code":"api_key_missing"
--- no_error_log
[error]



=== TEST 3: a 429 and a 404 carry them, with Retry-After exposed
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $binary_remote_addr zone=z:1m rate=1r/m;
--- config
    location /v1/ {
        api;
        api_collection items;
        api_limit_req zone=z;
        api_cors origins=http://app.test;
    }
--- request
GET /v1/items/a
--- more_headers
Origin: http://app.test
--- error_code: 404
--- response_headers eval
"Access-Control-Allow-Origin: http://app.test
Access-Control-Expose-Headers: $main::Expose
Vary: Origin
!Access-Control-Allow-Credentials"
--- api_check
my $r = http_request('GET', '/v1/items/a',
                     headers => ['Origin: http://app.test']);
is($r->{status}, 429, 'the second request: 429');
is($r->{headers}{'access-control-allow-origin'}, 'http://app.test',
   'allowed origin');
is($r->{headers}{vary}, 'Origin', 'Vary');
like($r->{headers}{'access-control-expose-headers'}, qr/Retry-After/,
     'Retry-After exposed');
ok($r->{headers}{'retry-after'} > 0, 'Retry-After');
like($r->{headers}{ratelimit}, qr/^"z";r=0;/, 'RateLimit');
like($r->{body}, qr/"code":"rate_limited"/, 'the problem');
--- response_body_like: "code":"not_found"
--- no_error_log
[error]



=== TEST 4: a 503 without Redis carries them
--- api_setup
redis_stop();
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /v1/ {
        api;
        api_collection items;
        api_cors origins=http://app.test;
    }
--- request
GET /v1/items/a
--- more_headers
Origin: http://app.test
--- error_code: 503
--- response_headers
Access-Control-Allow-Origin: http://app.test
Vary: Origin
Retry-After: 1
--- response_body_like: "code":"redis_unavailable"
--- no_error_log
[alert]



=== TEST 5: another origin, or none: no CORS header, nothing else changed
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /v1/ {
        api;
        api_collection items;
        api_cors origins=http://app.test;
    }
--- request
GET /v1/items/a
--- more_headers
Origin: http://app.test.evil
--- error_code: 404
--- response_headers
!Access-Control-Allow-Origin
!Access-Control-Expose-Headers
!Vary
--- api_check
my $r = http_request('OPTIONS', '/v1/items/a',
                     headers => ['Origin: http://evil.test',
                                 'Access-Control-Request-Method: PUT']);
is($r->{status} . ' ' . ($r->{headers}{allow} // ''),
   '204 GET, HEAD, PUT, PATCH, DELETE, OPTIONS',
   'a preflight from another origin is a plain OPTIONS');
ok(!grep(/^access-control|^vary$/, keys %{ $r->{headers} }),
   'without any CORS header');
$r = http_request('GET', '/v1/items/a');
ok(!grep(/^access-control|^vary$/, keys %{ $r->{headers} }),
   'no Origin: no CORS header');
$r = http_request('OPTIONS', '/v1/items/a',
                  headers => ['Origin: http://app.test']);
is($r->{status} . ' ' . ($r->{headers}{'access-control-allow-methods'}
                         // '-'), '204 -',
   'OPTIONS without Access-Control-Request-Method is no preflight');
--- response_body_like: "code":"not_found"
--- no_error_log
[error]



=== TEST 6: origins=*, inherited by locations, and off
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    api_cors origins=* headers=X-Trace,x-other;
    location = /live { api_health live; }
    location = /quiet { api_health live; api_cors off; }
--- request
GET /live
--- more_headers
Origin: http://anything.test
--- response_headers
Access-Control-Allow-Origin: *
!Access-Control-Allow-Credentials
Vary: Origin
--- api_check
my $r = http_request('OPTIONS', '/live',
                     headers => ['Origin: http://x.test',
                                 'Access-Control-Request-Method: GET',
                                 'Access-Control-Request-Headers: '
                                 . 'x-trace,X-Other,x-no']);
is($r->{status} . ' ' . $r->{headers}{'access-control-allow-headers'},
   '204 x-trace,X-Other', 'headers= adds to the allowed ones');
$r = http_request('GET', '/quiet', headers => ['Origin: http://x.test']);
ok(!exists $r->{headers}{'access-control-allow-origin'}, 'api_cors off');
--- no_error_log
[error]



=== TEST 7: api_key_header is allowed in a preflight
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /v1/ {
        api;
        api_collection items;
        api_key on;
        api_key_header X-Api-Key;
        api_cors origins=http://app.test;
    }
--- request
OPTIONS /v1/items
--- more_headers
Origin: http://app.test
Access-Control-Request-Method: POST
Access-Control-Request-Headers: x-api-key,content-type
--- error_code: 204
--- response_headers
Access-Control-Allow-Headers: x-api-key,content-type
Access-Control-Allow-Origin: http://app.test
--- no_error_log
[error]



=== TEST 8: in front of proxy_pass, the backend's answer gets them too
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    server {
        listen 127.0.0.2:$TEST_NGINX_SERVER_PORT;
        location / { return 200 "backend\n"; }
    }
--- config
    location /gw/ {
        api_cors origins=http://app.test;
        proxy_pass http://127.0.0.2:$TEST_NGINX_SERVER_PORT/;
    }
--- request
GET /gw/x
--- more_headers
Origin: http://app.test
--- response_headers
Access-Control-Allow-Origin: http://app.test
Vary: Origin
--- response_body
backend
--- no_error_log
[error]



=== TEST 9: a preflight with headers the API does not take
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /v1/ {
        api;
        api_collection items;
        api_cors origins=http://app.test;
    }
--- request
OPTIONS /v1/items
--- more_headers
Origin: http://app.test
Access-Control-Request-Method: DELETE
Access-Control-Request-Headers: x-custom
--- error_code: 204
--- response_headers
Access-Control-Allow-Methods: DELETE
!Access-Control-Allow-Headers
--- no_error_log
[error]



=== TEST 10: credentials with origins=*
--- config
    location /v1/ { api_cors origins=* credentials; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Q"api_cors" cannot allow "credentials" for origins=*\E}



=== TEST 11: an origin with a path
--- config
    location /v1/ { api_cors origins=http://a.test http://b.test/app; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qinvalid origin "http://b.test/app" in "api_cors"\E}



=== TEST 12: no origins
--- config
    location /v1/ { api_cors credentials; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Q"api_cors" directive needs "origins="\E}



=== TEST 13: a bad max_age
--- config
    location /v1/ { api_cors origins=http://a.test max_age=forever; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qinvalid "max_age" "forever" in "api_cors"\E}



=== TEST 14: an unknown parameter
--- config
    location /v1/ { api_cors origins=http://a.test allow=all; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qinvalid parameter "allow=all" in "api_cors"\E}
