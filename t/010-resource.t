# The resource API's success paths: status, headers, body, and what Redis
# holds afterwards.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;

repeat_each(1);

our $R1 = '01AAAAAAAAAAAAAAAAAAAAAAAA';

our $HttpConfig = <<'_EOC_';
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
_EOC_

our $Config = <<'_EOC_';
    location /v1/ {
        api;
        api_collection items users;
    }
_EOC_

plan tests => repeat_each() * 127;

run_tests();

__DATA__

=== TEST 1: POST creates: 201, Location, ETag, the document with its new id
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request
POST /v1/items
{"name": "widget", "price": 1.10, "tags": ["a", "b"], "ok": true}
--- error_code: 201
--- response_headers_like
Location: /v1/items/[0-9A-HJKMNP-TV-Z]{26}
ETag: "[0-9A-HJKMNP-TV-Z]{26}"
Content-Type: application/json
--- response_body_like: ^\{"id":"[0-9A-Z]{26}","name":"widget","price":1\.10,"tags":\["a","b"\],"ok":true\}$
--- api_check
my @keys = grep { !/\}$/ } @{ redis('KEYS', 'api:{items}:*') };
is(scalar(@keys), 1, 'one document hash');
my ($id) = $keys[0] =~ /:([0-9A-Z]{26})$/;
is(redis('HGET', $keys[0], 'd'),
   '{"name":"widget","price":1.10,"tags":["a","b"],"ok":true}',
   'stored compact, in the client\'s key order, numbers as written');
is_deeply(redis('ZRANGE', 'api:{items}', 0, -1), [$id], 'indexed');
--- no_error_log
[error]
[alert]



=== TEST 2: PUT creates (201) then replaces (200); key order kept
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
["PUT /v1/users/alice\n{\"zeta\":1,\"alpha\":{\"b\":2,\"a\":1}}",
 "PUT /v1/users/alice\n{\"name\":\"Alice\"}"]
--- error_code eval
[201, 200]
--- response_body eval
['{"id":"alice","zeta":1,"alpha":{"b":2,"a":1}}',
 '{"id":"alice","name":"Alice"}']
--- api_check
if ($req == 0) {
    is(redis('HGET', 'api:{users}:alice', 'd'),
       '{"zeta":1,"alpha":{"b":2,"a":1}}', 'created');
}
if ($req == 1) {
    is(redis('HGET', 'api:{users}:alice', 'd'), '{"name":"Alice"}',
       'replaced');
    is_deeply(redis('ZRANGE', 'api:{users}', 0, -1), ['alice'],
              'indexed once');
}
--- no_error_log
[error]



=== TEST 3: GET: 200, the stored ETag, Cache-Control: no-cache
--- api_setup
seed_doc('items', 'a1', '{"x":1,"y":[1,2]}', $::R1);
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request
GET /v1/items/a1
--- response_headers
ETag: "01AAAAAAAAAAAAAAAAAAAAAAAA"
Cache-Control: no-cache
Content-Type: application/json
Content-Length: 27
--- response_body: {"id":"a1","x":1,"y":[1,2]}
--- no_error_log
[error]



=== TEST 4: GET with If-None-Match: 304 for the current tag or *, 200 otherwise
--- api_setup
seed_doc('items', 'a1', '{"x":1}', $::R1);
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["GET /v1/items/a1", "GET /v1/items/a1", "GET /v1/items/a1",
 "GET /v1/items/a1"]
--- more_headers eval
['If-None-Match: "01AAAAAAAAAAAAAAAAAAAAAAAA"',
 'If-None-Match: "other", W/"01AAAAAAAAAAAAAAAAAAAAAAAA"',
 'If-None-Match: *',
 'If-None-Match: "01BBBBBBBBBBBBBBBBBBBBBBBB"']
--- error_code eval
[304, 304, 304, 200]
--- response_headers eval
['ETag: "01AAAAAAAAAAAAAAAAAAAAAAAA"', 'ETag: "01AAAAAAAAAAAAAAAAAAAAAAAA"',
 'ETag: "01AAAAAAAAAAAAAAAAAAAAAAAA"', 'ETag: "01AAAAAAAAAAAAAAAAAAAAAAAA"']
--- response_body eval
['', '', '', '{"id":"a1","x":1}']



=== TEST 5: HEAD: GET's headers, no body
--- api_setup
seed_doc('items', 'a1', '{"x":1}', $::R1);
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request
HEAD /v1/items/a1
--- response_headers
ETag: "01AAAAAAAAAAAAAAAAAAAAAAAA"
Content-Length: 17
--- response_body
--- no_error_log
[error]



=== TEST 6: PATCH merges (RFC 7396) and returns the document with a new ETag
--- api_setup
seed_doc('items', 'a1', '{"a":1,"b":{"c":2,"d":3},"e":[1]}', $::R1);
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/merge-patch+json
If-Match: "01AAAAAAAAAAAAAAAAAAAAAAAA"
--- request
PATCH /v1/items/a1
{"b":{"d":null,"x":1.50},"e":[2],"new":"v"}
--- response_headers_like
ETag: "(?!01AAAAAAAAAAAAAAAAAAAAAAAA)[0-9A-Z]{26}"
--- response_body: {"id":"a1","a":1,"b":{"c":2,"x":1.50},"e":[2],"new":"v"}
--- api_check
is(redis('HGET', 'api:{items}:a1', 'd'),
   '{"a":1,"b":{"c":2,"x":1.50},"e":[2],"new":"v"}', 'stored merged');
isnt(redis('HGET', 'api:{items}:a1', 'r'), $::R1, 'new revision');
--- no_error_log
[error]



=== TEST 7: PATCH takes application/json too; a stale If-Match is 412
--- api_setup
seed_doc('items', 'a1', '{"a":1}', $::R1);
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["PATCH /v1/items/a1\n{\"a\":2}", "PATCH /v1/items/a1\n{\"a\":3}"]
--- more_headers eval
["Content-Type: application/json",
 "Content-Type: application/json\nIf-Match: \"01AAAAAAAAAAAAAAAAAAAAAAAA\""]
--- error_code eval
[200, 412]
--- response_body_like eval
['^\{"id":"a1","a":2\}$', '"code":"precondition_failed"']
--- api_check
if ($req == 1) {
    is(redis('HGET', 'api:{items}:a1', 'd'), '{"a":2}',
       'the 412 changed nothing');
}



=== TEST 8: DELETE: 204, then 404; the hash and the index entry are gone
--- api_setup
seed_doc('items', 'a1', '{"a":1}', $::R1);
seed_doc('items', 'a2', '{"a":2}', $::R1);
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["DELETE /v1/items/a1", "DELETE /v1/items/a1"]
--- error_code eval
[204, 404]
--- response_body_like eval
['^$', '"code":"not_found"']
--- api_check
if ($req == 0) {
    is(redis('EXISTS', 'api:{items}:a1'), 0, 'hash deleted');
    is_deeply(redis('ZRANGE', 'api:{items}', 0, -1), ['a2'],
              'index entry removed, the other kept');
}



=== TEST 9: delete and re-create: the old ETag never matches the new document
--- api_setup
seed_doc('items', 'a1', '{"a":1}', $::R1);
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["DELETE /v1/items/a1", "PUT /v1/items/a1\n{\"a\":1}", "GET /v1/items/a1"]
--- more_headers eval
["", "Content-Type: application/json",
 "If-None-Match: \"01AAAAAAAAAAAAAAAAAAAAAAAA\""]
--- error_code eval
[204, 201, 200]
--- response_body_like eval
['^$', '^\{"id":"a1","a":1\}$', '^\{"id":"a1","a":1\}$']



=== TEST 10: OPTIONS: 204 with Allow, for a collection and for a document
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["OPTIONS /v1/items", "OPTIONS /v1/items/a1"]
--- error_code eval
[204, 204]
--- response_headers eval
["Allow: GET, HEAD, POST, OPTIONS", "Allow: GET, HEAD, PUT, PATCH, DELETE, OPTIONS"]
--- no_error_log
[error]



=== TEST 11: list: pages in id order, next_cursor and Link until the end
--- api_setup
seed_doc('items', "i$_", qq({"n":$_}), $::R1) for 1 .. 5;
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["GET /v1/items?limit=2", "GET /v1/items?limit=2&cursor=aTI",
 "GET /v1/items?limit=2&cursor=aTQ", "GET /v1/items/"]
--- error_code eval
[200, 200, 200, 200]
--- response_headers eval
["Link: </v1/items?limit=2&cursor=aTI>; rel=\"next\"\nCache-Control: no-cache",
 "Link: </v1/items?limit=2&cursor=aTQ>; rel=\"next\"\nCache-Control: no-cache",
 "!Link\nCache-Control: no-cache",
 "!Link\nCache-Control: no-cache"]
--- response_body eval
['{"items":[{"id":"i1","n":1},{"id":"i2","n":2}],"next_cursor":"aTI"}',
 '{"items":[{"id":"i3","n":3},{"id":"i4","n":4}],"next_cursor":"aTQ"}',
 '{"items":[{"id":"i5","n":5}],"next_cursor":null}',
 '{"items":[{"id":"i1","n":1},{"id":"i2","n":2},{"id":"i3","n":3},{"id":"i4","n":4},{"id":"i5","n":5}],"next_cursor":null}']
--- no_error_log
[error]



=== TEST 12: list: default page size 20, an empty collection
--- api_setup
seed_doc('items', sprintf("i%02d", $_), '{}', $::R1) for 1 .. 25;
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["GET /v1/items", "GET /v1/users"]
--- response_body_like eval
['^\{"items":\[(\{"id":"i\d\d"\},){19}\{"id":"i20"\}\],"next_cursor":"aTIw"\}$',
 '^\{"items":\[\],"next_cursor":null\}$']
--- error_code eval
[200, 200]



=== TEST 13: a body larger than client_body_buffer_size, and a chunked body
--- http_config eval: $::HttpConfig
--- config
    location /v1/ {
        api;
        api_collection items;
        client_body_buffer_size 1k;
    }
--- more_headers eval
["Content-Type: application/json",
 "Content-Type: application/json\nTransfer-Encoding: chunked"]
--- request eval
my $big = '{"blob":"' . ('x' x 100000) . '"}';
my $chunked = "PUT /v1/items/c1\n" . CORE::join('', map {
    sprintf("%x\r\n%s\r\n", length($_), $_) } ('{"a":', '1,"b":', '"' . ('y' x 5000) . '"}'))
    . "0\r\n\r\n";
["PUT /v1/items/big\n$big", $chunked]
--- error_code eval
[201, 201]
--- api_check
if ($req == 0) {
    is(length(redis('HGET', 'api:{items}:big', 'd')), 100011,
       'the whole big body is stored');
}
if ($req == 1) {
    is(redis('HGET', 'api:{items}:c1', 'd'), '{"a":1,"b":"' . ('y' x 5000) . '"}',
       'the chunked body is stored');
}
--- no_error_log
[error]
[alert]



=== TEST 14: POST with a client-chosen id; "id" in a PUT body may repeat the URL's
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
["POST /v1/users\n{\"name\":\"Bob\",\"id\":\"bob\"}",
 "PUT /v1/users/bob\n{\"id\":\"bob\",\"name\":\"Bobby\"}"]
--- error_code eval
[201, 200]
--- response_headers eval
["Location: /v1/users/bob", "!Location"]
--- response_body eval
['{"id":"bob","name":"Bob"}', '{"id":"bob","name":"Bobby"}']
--- api_check
is(redis('HGET', 'api:{users}:bob', 'd'),
   $req == 0 ? '{"name":"Bob"}' : '{"name":"Bobby"}',
   'the id is not stored inside the document');



=== TEST 15: scripts flushed (SCRIPT FLUSH): writes go on, no reload
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
["PUT /v1/items/s1\n{\"a\":1}", "PUT /v1/items/s2\n{\"a\":2}",
 "PATCH /v1/items/s1\n{\"b\":2}"]
--- api_check
redis('SCRIPT', 'FLUSH') if $req == 0;
if ($req == 2) {
    ok(error_log_like(qr/script "put" was not loaded, sending it with EVAL/),
       'NOSCRIPT was handled');
}
--- error_code eval
[201, 201, 200]
--- response_body eval
['{"id":"s1","a":1}', '{"id":"s2","a":2}', '{"id":"s1","a":1,"b":2}']
--- no_error_log
[error]



=== TEST 16: api_redis_database and api_redis_prefix: where the keys land
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_database 3;
    api_redis_prefix t16:;
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request
PUT /v1/items/k1
{"a":1}
--- error_code: 201
--- api_check
is(redis({db => 3}, 'HGET', 't16:{items}:k1', 'd'), '{"a":1}',
   'the document is in database 3 under the prefix');
is_deeply(redis({db => 3}, 'ZRANGE', 't16:{items}', 0, -1), ['k1'],
          'so is the index');
is_deeply(redis('KEYS', '*'), [], 'nothing in database 0');
--- no_error_log
[error]
