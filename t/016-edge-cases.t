# Edge cases found in review: subrequests, Expect: 100-continue, limited
# ACL users, "if" blocks, the list byte budget, and who gets 504.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use Time::HiRes qw(sleep time);

repeat_each(1);

our $HttpConfig = <<'_EOC_';
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
_EOC_

plan tests => repeat_each() * 54;

run_tests();

__DATA__

=== TEST 1: a mirrored POST reaches the API as a subrequest: refused, no crash
--- http_config eval: $::HttpConfig
--- config
    location /v1/ {
        api;
        api_collection items;
    }
    location = /m {
        mirror /v1/items;
        mirror_request_body off;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/ok;
    }
    location = /ok {
        return 200 "ok\n";
    }
--- more_headers
Content-Type: application/json
--- request eval
["POST /m\n{\"a\":1}", "GET /v1/items"]
--- error_code eval
[200, 200]
--- response_body eval
["ok\n", '{"items":[],"next_cursor":null}']
--- api_check
is_deeply(redis('KEYS', '*'), [], 'the subrequest wrote nothing') if $req;
--- no_error_log
[alert]
exited on signal



=== TEST 2: Expect: 100-continue is not answered when the body is too large
--- http_config eval: $::HttpConfig
--- config
    location /v1/ {
        api;
        api_collection items;
        client_max_body_size 1k;
    }
--- raw_request eval
"PUT /v1/items/a HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
--- timeout: 1
--- abort
--- error_code: 413
--- response_body_like: "code":"body_too_large"
--- no_error_log
[alert]



=== TEST 3: Expect: 100-continue is not answered when the type is wrong
--- http_config eval: $::HttpConfig
--- config
    location /v1/ {
        api;
        api_collection items;
    }
--- raw_request eval
"PUT /v1/items/a HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 10\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
--- timeout: 1
--- abort
--- error_code: 415
--- response_body_like: "code":"unsupported_media_type"
--- no_error_log
[alert]



=== TEST 4: an ACL user without CLIENT SETNAME still gets connected
--- api_setup
redis('ACL', 'SETUSER', 'apitest', 'on', '>acl-secret', '~*', '&*', '+@all',
      '-client');
--- http_config eval: $::HttpConfig . "api_redis_username apitest; api_redis_password acl-secret;"
--- config
    location = /health { api_health; }
--- request
GET /health
--- response_body_like: "status":"up"
--- error_log
CLIENT SETNAME failed, going on without it: NOPERM
--- no_error_log
[error]



=== TEST 5: "if" blocks inside an api location
--- http_config eval: $::HttpConfig
--- config
    location /v1/ {
        api;
        api_collection items;
        if ($request_method = DELETE) {
            return 403;
        }
        if ($arg_tag) {
            add_header X-Tag $arg_tag;
        }
    }
--- request eval
["GET /v1/items", "GET /v1/items?tag=x", "DELETE /v1/items/a"]
--- error_code eval
[200, 200, 403]
--- response_body_like eval
['^\{"items":\[\],"next_cursor":null\}$', '^\{"items":\[\],"next_cursor":null\}$', '403']
--- no_error_log
[error]



=== TEST 6: api_list_max_size: a page stops early rather than exceed it
--- api_setup
seed_doc('items', "i$_", '{"pad":"' . ('x' x 40) . '"}') for 1 .. 5;
--- http_config eval: $::HttpConfig
--- config
    location /v1/ {
        api;
        api_collection items;
        api_list_max_size 100;
    }
--- request eval
["GET /v1/items?limit=5", "GET /v1/items?limit=5&cursor=aTI"]
--- response_body_like eval
['^\{"items":\[\{"id":"i1",[^]]+\},\{"id":"i2",[^]]+\}\],"next_cursor":"aTI"\}$',
 '^\{"items":\[\{"id":"i3",[^]]+\},\{"id":"i4",[^]]+\}\],"next_cursor":"aTQ"\}$']
--- error_code eval
[200, 200]
--- no_error_log
[error]



=== TEST 7: a timeout: the oldest command gets 504, those behind it 503
--- http_config eval: $::HttpConfig . "api_redis_connections 1; api_redis_timeout 300ms;"
--- config
    location = /health { api_health; }
--- request
GET /health
--- api_check
my @r = http_many([['GET', '/health'], ['GET', '/health'], ['GET', '/health']],
                  before => sub { redis_pause() },
                  between => sub { sleep 0.5; redis_resume() });
my @st = map { $_->{status} // 'none' } @r;
is("@st", '504 503 503', 'one 504, the pipelined rest fail fast');
--- response_body_like: "status":"up"
--- no_error_log
[alert]



=== TEST 8: a refused request's bad chunked body is not run as the next request
--- api_setup
seed_doc('items', 'zzz', '{"a":1}');
--- http_config eval: $::HttpConfig
--- config
    location /v1/ {
        api;
        api_collection items;
    }
--- raw_request eval
"POST /v1/nosuch HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nDELETE /v1/items/zzz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
--- timeout: 2
--- abort
--- error_code: 404
--- response_body_like: "code":"unknown_collection"
--- api_check
is(redis('EXISTS', 'api:{items}:zzz'), 1, 'the smuggled DELETE did not run');
--- no_error_log
api redis #0 send
api redis #1 send



=== TEST 9: a body discarded before an error_page sends the request to the API
--- http_config eval: $::HttpConfig
--- config
    location /v1/ {
        api;
        api_collection items;
    }
    location /upload/ {
        client_max_body_size 4;
        error_page 413 = @compat;
    }
    location @compat {
        rewrite ^/upload/(.*)$ /v1/$1 last;
    }
--- raw_request eval
["POST /upload/items HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{\"a\"",
 ":1}  "]
--- raw_request_middle_delay: 0.3
--- error_code: 400
--- response_body_like: "code":"invalid_body"
--- no_error_log
[alert]
exited on signal



=== TEST 10: the same, the whole request in one packet (drained at once)
nginx drains a body it already holds without setting discard_body; the
API must still see that the body is gone.
--- http_config eval: $::HttpConfig
--- config
    location /v1/ {
        api;
        api_collection items;
    }
    location /upload/ {
        client_max_body_size 4;
        error_page 413 = @compat;
    }
    location @compat {
        rewrite ^/upload/(.*)$ /v1/$1 last;
    }
--- raw_request eval
"POST /upload/items HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{\"a\":1}  "
--- error_code: 400
--- response_body_like: "code":"invalid_body"
--- no_error_log
[alert]
exited on signal



=== TEST 11: limit_except inside an api location keeps the API
--- http_config eval: $::HttpConfig
--- config
    location /v1/ {
        api;
        api_collection items;
        limit_except GET {
            allow 127.0.0.1;
            deny all;
        }
    }
--- more_headers
Content-Type: application/json
--- request
POST /v1/items
{"a":1}
--- error_code: 201
--- response_body_like: ^\{"id":"[0-9A-Z]{26}","a":1\}$
--- no_error_log
[error]
