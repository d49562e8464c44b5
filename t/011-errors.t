# Every error of the resource API: its status, its problem+json body, and
# that Redis holds exactly what it held before.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;

repeat_each(1);

our $R1 = '01AAAAAAAAAAAAAAAAAAAAAAAA';

our $HttpConfig = <<'_EOC_';
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_timeout 300ms;
_EOC_

our $Config = <<'_EOC_';
    location /v1/ {
        api;
        api_collection items;
        api_max_depth 4;
        api_list_limit_max 50;
        client_max_body_size 1k;
    }
_EOC_

# every block starts from one seeded document and checks Redis after
# each request against this snapshot
our $Snap;

before_each_block(sub {
    my $block = shift;
    seed_doc('items', 'a1', '{"a":1}', $R1);
    $main::Snap = redis_dump();
});

plan tests => repeat_each() * 156;

run_tests();

__DATA__

=== TEST 1: malformed JSON: 400, the detail names line and column
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
"POST /v1/items\n{\n  \"a\": 1,\n  \"b\": ]\n}"
--- error_code: 400
--- response_headers
Content-Type: application/problem+json
Cache-Control: no-store
--- response_body_like: ^\{"type":"urn:ngx-http-api:problem:invalid_json","title":"Bad Request","status":400,"detail":"Malformed JSON at line 3, column \d+: [^"]+","code":"invalid_json","request_id":"[0-9a-f]{32}"\}$
--- api_check
is(redis_dump(), $main::Snap, 'Redis unchanged');
--- no_error_log
[error]



=== TEST 2: invalid UTF-8, duplicate keys, a lone surrogate, a huge number
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
["POST /v1/items\n{\"a\":\"\xff\xfe\"}",
 "PUT /v1/items/a1\n{\"a\":1,\"a\":2}",
 "POST /v1/items\n{\"a\":\"\\ud800\"}",
 "POST /v1/items\n{\"a\":1e999}"]
--- error_code eval
[400, 400, 400, 400]
--- response_body_like eval
['"code":"invalid_utf8"', '"code":"duplicate_key"', '"code":"invalid_json"',
 '"code":"number_out_of_range"']
--- api_check
is(redis_dump(), $main::Snap, "Redis unchanged after request $req");



=== TEST 3: nesting deeper than api_max_depth (4): 400; exactly 4 is fine
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
["PUT /v1/items/a1\n{\"a\":{\"b\":{\"c\":{\"d\":{}}}}}",
 "PUT /v1/items/a1\n{\"a\":[[[1]]]}"]
--- error_code eval
[400, 200]
--- response_body_like eval
['"code":"too_deep"', '^\{"id":"a1","a":\[\[\[1\]\]\]\}$']
--- api_check
is(redis_dump(), $main::Snap, 'Redis unchanged') if $req == 0;



=== TEST 4: a body that is not an object, or none at all
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
["POST /v1/items\n[1,2]", "PUT /v1/items/a1\n\"text\"",
 "PATCH /v1/items/a1\nnull", "POST /v1/items", "PUT /v1/items/a1"]
--- error_code eval
[400, 400, 400, 400, 400]
--- response_body_like eval
['"code":"not_an_object"', '"code":"not_an_object"',
 '"code":"not_an_object"', '"code":"empty_body"', '"code":"empty_body"']
--- api_check
is(redis_dump(), $main::Snap, "Redis unchanged after request $req");



=== TEST 5: bad limit and cursor
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["GET /v1/items?limit=0", "GET /v1/items?limit=51",
 "GET /v1/items?limit=ten", "GET /v1/items?cursor=%%%",
 "GET /v1/items?cursor=Ojo6"]
--- error_code eval
[400, 400, 400, 400, 400]
--- response_body_like eval
['must be an integer from 1 to 50\.","code":"invalid_limit"',
 '"code":"invalid_limit"', '"code":"invalid_limit"',
 '"code":"invalid_cursor"', '"code":"invalid_cursor"']
--- api_check
is(redis_dump(), $main::Snap, "Redis unchanged after request $req");



=== TEST 6: a bad id; an unknown collection; an unknown document
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
["GET /v1/items/a:b", "PUT /v1/items/" . ("x" x 129) . "\n{}",
 "GET /v1/nope", "PUT /v1/nope/a1\n{}", "GET /v1/items/zz",
 "PATCH /v1/items/zz\n{\"a\":2}", "DELETE /v1/items/zz", "GET /v1/"]
--- error_code eval
[400, 400, 404, 404, 404, 404, 404, 404]
--- response_body_like eval
['"code":"invalid_id"', '"code":"invalid_id"', '"code":"unknown_collection"',
 '"code":"unknown_collection"', '"code":"not_found"', '"code":"not_found"',
 '"code":"not_found"', '"code":"unknown_collection"']
--- api_check
is(redis_dump(), $main::Snap, "Redis unchanged after request $req");



=== TEST 7: a method not allowed on the path: 405 with Allow
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
["DELETE /v1/items", "POST /v1/items/a1\n{}", "PUT /v1/items\n{}"]
--- error_code eval
[405, 405, 405]
--- response_headers eval
["Allow: GET, HEAD, POST, OPTIONS",
 "Allow: GET, HEAD, PUT, PATCH, DELETE, OPTIONS",
 "Allow: GET, HEAD, POST, OPTIONS"]
--- response_body_like eval
['"code":"method_not_allowed"', '"code":"method_not_allowed"',
 '"code":"method_not_allowed"']
--- api_check
is(redis_dump(), $main::Snap, "Redis unchanged after request $req");



=== TEST 8: a body over client_max_body_size (1k): 413, with or without chunks
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers eval
["Content-Type: application/json",
 "Content-Type: application/json\nTransfer-Encoding: chunked"]
--- request eval
my $big = '{"a":"' . ('x' x 2000) . '"}';
["PUT /v1/items/a1\n$big",
 "PUT /v1/items/a1\n" . sprintf("%x\r\n%s\r\n0\r\n\r\n", length $big, $big)]
--- error_code eval
[413, 413]
--- response_headers eval
["Content-Type: application/problem+json",
 "Content-Type: application/problem+json"]
--- response_body_like eval
['"code":"body_too_large"', '"code":"body_too_large"']
--- api_check
is(redis_dump(), $main::Snap, "Redis unchanged after request $req");
--- no_error_log
[alert]



=== TEST 9: a write without a JSON Content-Type: 415
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers eval
["", "Content-Type: text/plain", "Content-Type: application/merge-patch+json",
 "Content-Type: application/xml"]
--- request eval
["POST /v1/items\n{}", "PUT /v1/items/a1\n{}", "PUT /v1/items/a1\n{}",
 "PATCH /v1/items/a1\n{}"]
--- error_code eval
[415, 415, 415, 415]
--- response_body_like eval
['"code":"unsupported_media_type"', '"code":"unsupported_media_type"',
 '"code":"unsupported_media_type"', '"code":"unsupported_media_type"']
--- api_check
is(redis_dump(), $main::Snap, "Redis unchanged after request $req");



=== TEST 10: failed preconditions: 412
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers eval
["Content-Type: application/json\nIf-Match: \"01BBBBBBBBBBBBBBBBBBBBBBBB\"",
 "Content-Type: application/json\nIf-Match: W/\"01AAAAAAAAAAAAAAAAAAAAAAAA\"",
 "If-Match: \"01BBBBBBBBBBBBBBBBBBBBBBBB\"",
 "Content-Type: application/json\nIf-None-Match: *",
 "Content-Type: application/json\nIf-Match: *",
 "Content-Type: application/json\nIf-Match: \"01AAAAAAAAAAAAAAAAAAAAAAAA\""]
--- request eval
["PUT /v1/items/a1\n{\"a\":2}", "PATCH /v1/items/a1\n{\"a\":2}",
 "DELETE /v1/items/a1", "PUT /v1/items/a1\n{\"a\":2}",
 "PUT /v1/items/new\n{\"a\":2}", "PATCH /v1/items/a1\n{\"a\":1}"]
--- error_code eval
[412, 412, 412, 412, 412, 200]
--- response_body_like eval
['"code":"precondition_failed"', '"code":"precondition_failed"',
 '"code":"precondition_failed"', '"code":"precondition_failed"',
 '"code":"precondition_failed"', '^\{"id":"a1","a":1\}$']
--- api_check
is(redis_dump(), $main::Snap, "Redis unchanged after request $req")
    if $req < 5;



=== TEST 11: creating an id that exists: 409
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request
POST /v1/items
{"id":"a1","a":2}
--- error_code: 409
--- response_body_like: "code":"already_exists"
--- api_check
is(redis_dump(), $main::Snap, 'Redis unchanged');



=== TEST 12: an "id" in the body that is not the URL's, or not a string
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
["PUT /v1/items/a1\n{\"id\":\"b2\"}", "PATCH /v1/items/a1\n{\"id\":\"b2\"}",
 "POST /v1/items\n{\"id\":7}", "POST /v1/items\n{\"id\":\"a:b\"}"]
--- error_code eval
[400, 400, 400, 400]
--- response_body_like eval
['"code":"id_mismatch"', '"code":"id_mismatch"', '"code":"invalid_id"',
 '"code":"invalid_id"']
--- api_check
is(redis_dump(), $main::Snap, "Redis unchanged after request $req");



=== TEST 13: Redis unreachable: 503 with Retry-After at once
--- http_config
    api_redis_server 127.0.0.1:1;
    api_redis_connect_timeout 5s;
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
["PUT /v1/items/a1\n{\"a\":2}", "GET /v1/items/a1", "GET /v1/items"]
--- error_code eval
[503, 503, 503]
--- response_headers eval
["Retry-After: 1", "Retry-After: 1", "Retry-After: 1"]
--- response_body_like eval
['"code":"redis_unavailable"', '"code":"redis_unavailable"',
 '"code":"redis_unavailable"']
--- timeout: 1



=== TEST 14: Redis too slow: 504
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["GET /v1/items/a1", "GET /v1/items/a1"]
--- api_check
redis_pause() if $req == 0;
redis_resume() if $req == 1;
--- error_code eval
[200, 504]
--- response_body_like eval
['"a":1', '"code":"redis_timeout"']
--- timeout: 3
