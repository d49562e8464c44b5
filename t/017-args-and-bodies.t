# Query arguments and body limits: limit and cursor are percent-decoded
# alike and a cursor must be exactly one the API made; a chunked body over
# the limit is refused at the chunk line that shows it; the api_keys
# endpoint applies client_max_body_size as api does, with problem+json,
# and cannot share a location with api.

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
        api_collection items;
        client_max_body_size 1k;
        client_body_timeout 60s;
    }
_EOC_

# the head of a chunked PUT, for raw requests
our $ChunkedPut = "PUT /v1/items/a1 HTTP/1.1\r\nHost: localhost\r\n"
    . "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
    . "Connection: close\r\n\r\n";

our $Snap;

before_each_block(sub {
    seed_doc('items', 'a1', '{"a":1}', $R1);
    seed_doc('items', 'a2', '{"a":2}', $R1);
    $main::Snap = redis_dump();
});

plan tests => repeat_each() * 108;

run_tests();

__DATA__

=== TEST 1: limit is percent-decoded as cursor is; a bad escape is refused
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["GET /v1/items?limit=%31", "GET /v1/items?limit=%31&cursor=%59TE",
 "GET /v1/items?limit=%3", "GET /v1/items?limit=1%zz",
 "GET /v1/items?limit=%00", "GET /v1/items?cursor=YT%zz"]
--- error_code eval
[200, 200, 400, 400, 400, 400]
--- response_body eval
['{"items":[{"id":"a1","a":1}],"next_cursor":"YTE"}',
 '{"items":[{"id":"a2","a":2}],"next_cursor":null}',
 qr/"code":"invalid_limit"/, qr/"code":"invalid_limit"/,
 qr/"code":"invalid_limit"/, qr/"code":"invalid_cursor"/]
--- api_check
is(redis_dump(), $main::Snap, "Redis unchanged after request $req");
--- no_error_log
[error]
[alert]



=== TEST 2: a cursor is exactly a next_cursor: no padding, no junk, no spare bits
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["GET /v1/items?cursor=YTE", "GET /v1/items?cursor=YTE=",
 "GET /v1/items?cursor=YTE=junk", "GET /v1/items?cursor=YTE%3D",
 "GET /v1/items?cursor=YTF", "GET /v1/items?cursor=YTE%00"]
--- error_code eval
[200, 400, 400, 400, 400, 400]
--- response_body eval
['{"items":[{"id":"a2","a":2}],"next_cursor":null}',
 qr/"code":"invalid_cursor"/, qr/"code":"invalid_cursor"/,
 qr/"code":"invalid_cursor"/, qr/"code":"invalid_cursor"/,
 qr/"code":"invalid_cursor"/]
--- api_check
is(redis_dump(), $main::Snap, "Redis unchanged after request $req");
--- no_error_log
[error]
[alert]



=== TEST 3: a chunk line announcing more than the limit: 413 at once
The body never comes: without the check the request would wait for
client_body_timeout (60s) and the client's 5 s would run out.
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- raw_request eval
$::ChunkedPut . "401\r\n{\"a\":\"xx"
--- timeout: 5
--- error_code: 413
--- response_headers
Content-Type: application/problem+json
--- response_body_like: "code":"body_too_large"
--- api_check
is(redis_dump(), $main::Snap, 'Redis unchanged');
--- no_error_log
[error]
[alert]



=== TEST 4: a later chunk line that takes the body over the limit: 413 at once
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- raw_request eval
$::ChunkedPut . "200\r\n{\"a\":\"" . ('x' x 506) . "\r\n201\r\nxx"
--- timeout: 5
--- error_code: 413
--- response_headers
Content-Type: application/problem+json
--- response_body_like: "code":"body_too_large"
--- api_check
is(redis_dump(), $main::Snap, 'Redis unchanged');
--- no_error_log
[error]
[alert]



=== TEST 5: bodies of exactly the limit, chunked (in pieces) or not, are taken
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers eval
["Content-Type: application/json",
 "Content-Type: application/json\nTransfer-Encoding: chunked"]
--- request eval
my $doc = '{"a":"' . ('x' x 1016) . '"}';
["PUT /v1/items/a1\n$doc",
 "PUT /v1/items/a2\n" . CORE::join('', map { sprintf("%x\r\n%s\r\n", length $_, $_) }
                                       unpack('(a100)*', $doc)) . "0\r\n\r\n"]
--- error_code eval
[200, 200]
--- api_check
my $doc = '{"a":"' . ('x' x 1016) . '"}';
is(redis('HGET', 'api:{items}:a' . ($req + 1), 'd'), $doc,
   "request $req: the 1,024-byte body is stored whole");
--- no_error_log
[error]
[alert]



=== TEST 6: api_keys: a Content-Length over client_max_body_size is a problem
--- http_config eval: $::HttpConfig
--- config
    location /keys/ {
        api_keys;
        client_max_body_size 1m;
    }
--- raw_request eval
"POST /keys/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n{\"name\""
--- timeout: 2
--- abort
--- error_code: 413
--- response_headers
Content-Type: application/problem+json
--- response_body_like: "code":"body_too_large"
--- api_check
is_deeply(redis('KEYS', 'api:key*'), [], 'no key stored');
--- no_error_log
[error]
[alert]



=== TEST 7: api_keys: a small client_max_body_size holds, chunked or not
--- http_config eval: $::HttpConfig
--- config
    location /keys/ {
        api_keys;
        client_max_body_size 100;
    }
--- more_headers eval
["Content-Type: application/json",
 "Content-Type: application/json\nTransfer-Encoding: chunked",
 "Content-Type: application/json"]
--- request eval
my $big = '{"name":"big",' . (' ' x 100) . '"scopes":["read"]}';
my $ok = '{"name":"fits","scopes":["read"]}';
["POST /keys/\n$big",
 "POST /keys/\n" . sprintf("%x\r\n%s\r\n0\r\n\r\n", length $big, $big),
 "POST /keys/\n$ok"]
--- error_code eval
[413, 413, 201]
--- response_headers eval
["Content-Type: application/problem+json",
 "Content-Type: application/problem+json",
 "Content-Type: application/json"]
--- response_body_like eval
['"code":"body_too_large"', '"code":"body_too_large"', '"name":"fits"']
--- api_check
is_deeply([sort @{ redis('HKEYS', 'api:keys') }],
          $req < 2 ? [] : ['fits'], "request $req: only the small key stored");
--- no_error_log
[error]
[alert]



=== TEST 8: api and api_keys cannot share a location: api, then api_keys
--- http_config eval: $::HttpConfig
--- config
    location /v1/ {
        api;
        api_collection items;
        api_keys;
    }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Q"api_keys" directive cannot share a location with "api"\E}



=== TEST 9: api_keys, then api
--- http_config eval: $::HttpConfig
--- config
    location /v1/ {
        api_keys;
        api;
        api_collection items;
    }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Q"api" directive cannot share a location with "api_keys"\E}
