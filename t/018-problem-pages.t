# api_problem: what nginx itself refuses, before or without the module,
# is answered as problem+json through error_page, never as nginx's HTML.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;

repeat_each(1);
no_root_location();

our $HttpConfig = <<'_EOC_';
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
_EOC_

our $Config = <<'_EOC_';
    error_page 400 404 405 408 413 414 494 500 502 503 504 /_problem;
    large_client_header_buffers 2 1k;

    location = /_problem {
        internal;
        api_problem;
    }

    location / {
        api_problem;
    }

    location /static/ {
        alias html/;
        client_max_body_size 8;
    }

    location /down/ {
        proxy_pass http://127.0.0.1:1/;
    }

    location /v1/ {
        api;
        api_collection items;
    }
_EOC_

plan tests => repeat_each() * 65;

run_tests();

__DATA__

=== TEST 1: TRACE: 405 problem with Allow (nginx refuses it before any location)
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request
TRACE /v1/items
--- error_code: 405
--- response_headers
Content-Type: application/problem+json
Allow: GET, HEAD
--- response_body_like: ^\{"type":"urn:ngx-http-api:problem:method_not_allowed","title":"Method Not Allowed","status":405,"detail":"[^"]+","code":"method_not_allowed","request_id":"[0-9a-f]{32}"\}$
--- no_error_log
[error]
[alert]



=== TEST 2: a bad percent escape in the path: 400 problem
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- raw_request eval
"GET /v1/items/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
--- error_code: 400
--- response_headers
Content-Type: application/problem+json
--- response_body_like: "status":400,.*"code":"bad_request"
--- no_error_log
[alert]



=== TEST 3: %00 in the path: 400 problem
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- raw_request eval
"GET /static/a%00b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
--- error_code: 400
--- response_headers
Content-Type: application/problem+json
--- response_body_like: "code":"bad_request"
--- no_error_log
[alert]



=== TEST 4: a request line longer than large_client_header_buffers: 414 problem
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- raw_request eval
"GET /v1/items?" . ("a" x 2000) . " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
--- error_code: 414
--- response_headers
Content-Type: application/problem+json
--- response_body_like: ^\{"type":"urn:ngx-http-api:problem:uri_too_long","title":"URI Too Long","status":414,
--- no_error_log
[alert]



=== TEST 5: a header longer than large_client_header_buffers: 400 problem
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- raw_request eval
"GET /v1/items HTTP/1.1\r\nHost: localhost\r\nX-Big: " . ("b" x 2000) . "\r\nConnection: close\r\n\r\n"
--- error_code: 400
--- response_headers
Content-Type: application/problem+json
--- response_body_like: "status":400,.*"code":"bad_request"
--- no_error_log
[alert]



=== TEST 6: a duplicated Host header: 400 problem
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- raw_request eval
"GET /v1/items HTTP/1.1\r\nHost: localhost\r\nHost: other\r\nConnection: close\r\n\r\n"
--- error_code: 400
--- response_headers
Content-Type: application/problem+json
--- response_body_like: "code":"bad_request"
--- no_error_log
[alert]



=== TEST 7: a body over client_max_body_size outside the API: 413 problem
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request
POST /static/index.html
0123456789abcdef
--- error_code: 413
--- response_headers
Content-Type: application/problem+json
--- response_body_like: ^\{"type":"urn:ngx-http-api:problem:body_too_large","title":"Content Too Large","status":413,
--- no_error_log
[alert]



=== TEST 8: no location serves the path: the fallback answers 404 problem
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request
GET /nothing/here
--- error_code: 404
--- response_headers
Content-Type: application/problem+json
Cache-Control: no-store
--- response_body_like: ^\{"type":"urn:ngx-http-api:problem:not_found","title":"Not Found","status":404,"detail":"[^"]+","code":"not_found","request_id":"[0-9a-f]{32}"\}$
--- no_error_log
[error]
[alert]



=== TEST 9: a file that does not exist: nginx's 404 as a problem
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request
GET /static/missing.html
--- error_code: 404
--- response_headers
Content-Type: application/problem+json
--- response_body_like: "code":"not_found"
--- no_error_log
[alert]



=== TEST 10: an upstream that refuses connections: 502 problem
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request
GET /down/x
--- error_code: 502
--- response_headers
Content-Type: application/problem+json
--- response_body_like: ^\{"type":"urn:ngx-http-api:problem:bad_gateway","title":"Bad Gateway","status":502,
--- no_error_log
[alert]



=== TEST 11: POST to a static file: nginx's 405 as a problem with Allow
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request
POST /static/index.html
ab
--- error_code: 405
--- response_headers
Content-Type: application/problem+json
Allow: GET, HEAD
--- response_body_like: "code":"method_not_allowed"
--- no_error_log
[alert]



=== TEST 12: HEAD gets the status and headers, no body
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request
HEAD /static/missing.html
--- error_code: 404
--- response_headers
Content-Type: application/problem+json
--- response_body
--- no_error_log
[alert]



=== TEST 13: a status without a page of its own keeps its number (named location)
--- http_config eval: $::HttpConfig
--- config
    error_page 418 @problem;
    location @problem {
        api_problem;
    }
    location /teapot {
        return 418;
    }
--- request
GET /teapot
--- error_code: 418
--- response_headers
Content-Type: application/problem+json
--- response_body_like: ^\{"type":"urn:ngx-http-api:problem:http_error","title":"Error","status":418,
--- no_error_log
[alert]



=== TEST 14: api_problem cannot share a location with api
--- http_config eval: $::HttpConfig
--- config
    location /v1/ {
        api;
        api_collection items;
        api_problem;
    }
--- must_die
--- error_log
"api_problem" directive cannot share a location with another content handler



=== TEST 15: api_problem twice in a location
--- http_config eval: $::HttpConfig
--- config
    location @p {
        api_problem;
        api_problem;
    }
--- must_die
--- error_log
"api_problem" directive is duplicate



=== TEST 16: the error_page location itself, asked for directly: 404 problem
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request
GET /_problem
--- error_code: 404
--- response_headers
Content-Type: application/problem+json
--- response_body_like: "code":"not_found"
--- no_error_log
[alert]
