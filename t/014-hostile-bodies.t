# Hostile request bodies and connections: each gets its documented status
# and a problem+json body; a rejected request changes nothing in Redis,
# and every key stays under the configured prefix.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;

repeat_each(1);

our $R1 = '01AAAAAAAAAAAAAAAAAAAAAAAA';

our $HttpConfig = <<'_EOC_';
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_prefix h:;
_EOC_

our $Config = <<'_EOC_';
    location /v1/ {
        api;
        api_collection items;
        client_max_body_size 1m;
        client_body_timeout 1s;
    }
_EOC_

our $Snap;

before_each_block(sub {
    seed_doc('items', 'a1', '{"a":1}', $R1, prefix => 'h:');
    $main::Snap = redis_dump();
});

# every key the module may write lies under "h:{items}"
sub main::keys_under_prefix {
    my @bad = grep { !/^h:\{items\}(:|$)/ } @{ redis('KEYS', '*') };
    is("@bad", '', 'every key is under h:{items}');
}

plan tests => repeat_each() * 54;

run_tests();

__DATA__

=== TEST 1: nesting 10,000 deep: 400 too_deep, nothing stored
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
"PUT /v1/items/a1\n" . ('{"a":' x 10000) . '1' . ('}' x 10000)
--- error_code: 400
--- response_headers
Content-Type: application/problem+json
--- response_body_like: "code":"too_deep"
--- api_check
is(redis_dump(), $main::Snap, 'Redis unchanged');
--- no_error_log
[error]
[alert]



=== TEST 2: an object with 10,000 keys is valid: 201, stored whole
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
"PUT /v1/items/big\n{" . CORE::join(',', map { "\"k$_\":$_" } 1 .. 10000) . "}"
--- error_code: 201
--- response_body_like: ^\{"id":"big","k1":1,"k2":2,.*,"k10000":10000\}$
--- api_check
my $d = redis('HGET', 'h:{items}:big', 'd');
is(scalar(() = $d =~ /"k\d+":/g), 10000, 'all 10,000 members stored');
main::keys_under_prefix();
--- no_error_log
[error]
[alert]



=== TEST 3: overlong UTF-8, a NUL escape, a NUL byte, control characters
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
["PUT /v1/items/a1\n{\"a\":\"\xc0\xaf\"}",
 "PUT /v1/items/a1\n{\"a\":\"x\\u0000y\"}",
 "PUT /v1/items/a1\n{\"a\":\"x\x00y\"}",
 "PUT /v1/items/a1\n{\"a\":\"line\nbreak\"}"]
--- error_code eval
[400, 400, 400, 400]
--- response_body_like eval
['"code":"invalid_utf8"', '"code":"invalid_json"', '"code":"invalid_json"',
 '"code":"invalid_json"']
--- api_check
is(redis_dump(), $main::Snap, "Redis unchanged after request $req");



=== TEST 4: numbers past a double or a 64-bit integer: 400; -0, 1E+2 kept
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
["PUT /v1/items/a1\n{\"a\":-1e309}",
 "PUT /v1/items/a1\n{\"a\":18446744073709551616}",
 "PUT /v1/items/n1\n{\"a\":-0,\"b\":1E+2,\"c\":9223372036854775807}"]
--- error_code eval
[400, 400, 201]
--- response_body_like eval
['"code":"number_out_of_range"', '"code":"number_out_of_range"',
 '^\{"id":"n1","a":-0,"b":1E\+2,"c":9223372036854775807\}$']
--- api_check
is(redis_dump(), $main::Snap, "Redis unchanged after request $req")
    if $req < 2;



=== TEST 5: keys written with escapes are one key: a duplicate, and canonical
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
["PUT /v1/items/a1\n{\"a\":1,\"\\u0061\":2}",
 "PUT /v1/items/e1\n{\"\\u00e9\\t\":1,\"\\/\":2,\"\":3}"]
--- error_code eval
[400, 201]
--- response_body eval
[qr/"code":"duplicate_key"/, "{\"id\":\"e1\",\"\xc3\xa9\\t\":1,\"/\":2,\"\":3}"]
--- api_check
is(redis_dump(), $main::Snap, 'Redis unchanged') if $req == 0;



=== TEST 6: HTTP/1.0 requests
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- raw_request eval
"PUT /v1/items/h10 HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":2}"
--- error_code: 201
--- response_body: {"id":"h10","a":2}
--- api_check
main::keys_under_prefix();
--- no_error_log
[error]



=== TEST 7: pipelined requests on one connection
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- pipelined_requests eval
["PUT /v1/items/p1\n{}", "GET /v1/items/p1", "GET /v1/items/p2",
 "DELETE /v1/items/p1"]
--- more_headers
Content-Type: application/json
--- error_code eval
[201, 200, 404, 204]
--- response_body eval
['{"id":"p1"}', '{"id":"p1"}', qr/"code":"not_found"/, '']
--- api_check
is(redis_dump(), $main::Snap, 'back to the start') if $req == 3;



=== TEST 8: a body that stops arriving: closed after client_body_timeout (408)
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- raw_request eval
["PUT /v1/items/slow HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 20\r\nConnection: close\r\n\r\n{\"a\":",
 "1}"]
--- raw_request_middle_delay: 2
--- timeout: 4
--- ignore_response
--- error_log
http finalize request: 408, "/v1/items/slow?"
--- no_error_log
[alert]
api redis #0 send
api redis #1 send
