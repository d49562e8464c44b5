# Conditional requests (RFC 9110 section 13) and media types: 304 without
# a body length, If-Match on reads, the evaluation order of 13.2.2,
# Last-Modified with If-Modified-Since and If-Unmodified-Since (also
# inside the write scripts), PATCH formats (RFC 5789), request content
# codings (RFC 9110 15.5.16), and what a PUT's response says (9.3.4).

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;

repeat_each(1);

our $R1 = '01AAAAAAAAAAAAAAAAAAAAAAAA';

# the document's modified time: Sun, 06 Nov 1994 08:49:37 GMT
our $T = 784111777;
our $D = 'Sun, 06 Nov 1994 08:49:37 GMT';
our $BEFORE = 'Sun, 06 Nov 1994 08:49:36 GMT';
our $AFTER = 'Sun, 06 Nov 1994 08:49:38 GMT';

our $HttpConfig = <<'_EOC_';
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
_EOC_

our $Config = <<'_EOC_';
    location /v1/ {
        api;
        api_collection items;
    }
_EOC_

# items/a1 = {"x":1}, revision $R1, created and modified at $T (+ 999 ms:
# the HTTP-date is the second the document changed in)
sub seed {
    redis('HSET', 'api:{items}:a1', 'd', '{"x":1}', 'r', $R1,
          'c', $T * 1000, 'm', $T * 1000 + 999);
    redis('ZADD', 'api:{items}', 0, 'a1');
}

sub unchanged {
    is(redis('HGET', 'api:{items}:a1', 'r'), $R1, 'the document is unchanged');
}

plan tests => repeat_each() * 362;

run_tests();

__DATA__

=== TEST 1: a 304 has the 200's ETag and Cache-Control, but no Content-Length
--- api_setup
seed();
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["GET /v1/items/a1", "HEAD /v1/items/a1", "GET /v1/items/a1"]
--- more_headers eval
['If-None-Match: "01AAAAAAAAAAAAAAAAAAAAAAAA"',
 'If-None-Match: *',
 "If-Modified-Since: $::D"]
--- error_code eval
[304, 304, 304]
--- response_headers eval
["ETag: \"$::R1\"\nCache-Control: no-cache\n!Content-Length\n!Content-Type",
 "ETag: \"$::R1\"\nCache-Control: no-cache\n!Content-Length\n!Content-Type",
 "ETag: \"$::R1\"\nCache-Control: no-cache\n!Content-Length\n!Content-Type"]
--- response_body eval
['', '', '']
--- no_error_log
[error]
[alert]



=== TEST 2: If-Match on GET and HEAD: strong comparison, 412 when it fails
--- api_setup
seed();
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["GET /v1/items/a1", "HEAD /v1/items/a1", "GET /v1/items/a1",
 "GET /v1/items/a1", "GET /v1/items/a1", "HEAD /v1/items/a1"]
--- more_headers eval
['If-Match: "nope"',
 'If-Match: "nope"',
 'If-Match: W/"01AAAAAAAAAAAAAAAAAAAAAAAA"',
 'If-Match: "other", "01AAAAAAAAAAAAAAAAAAAAAAAA"',
 'If-Match: *',
 'If-Match: "01AAAAAAAAAAAAAAAAAAAAAAAA"']
--- error_code eval
[412, 412, 412, 200, 200, 200]
--- response_headers eval
["Content-Type: application/problem+json\n!ETag",
 "Content-Type: application/problem+json\n!ETag",
 "Content-Type: application/problem+json\n!ETag",
 "Content-Type: application/json\nETag: \"$::R1\"",
 "Content-Type: application/json\nETag: \"$::R1\"",
 "Content-Type: application/json\nETag: \"$::R1\""]
--- response_body_like eval
['"code":"precondition_failed"', '^$', '"code":"precondition_failed"',
 '^\{"id":"a1","x":1\}$', '^\{"id":"a1","x":1\}$', '^$']
--- no_error_log
[error]
[alert]



=== TEST 3: If-Match is evaluated before If-None-Match (RFC 9110 13.2.2)
--- api_setup
seed();
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["GET /v1/items/a1", "GET /v1/items/a1", "GET /v1/items/a1"]
--- more_headers eval
["If-Match: \"nope\"\nIf-None-Match: \"$::R1\"",
 "If-Match: \"$::R1\"\nIf-None-Match: \"$::R1\"",
 "If-Match: \"$::R1\"\nIf-None-Match: \"other\""]
--- error_code eval
[412, 304, 200]
--- response_body_like eval
['"code":"precondition_failed"', '^$', '^\{"id":"a1","x":1\}$']
--- no_error_log
[error]
[alert]



=== TEST 4: preconditions are ignored where the answer is a 404
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["GET /v1/items/none", "GET /v1/items/none", "DELETE /v1/items/none"]
--- more_headers eval
['If-Match: "nope"', "If-Unmodified-Since: $::D", 'If-Match: "nope"']
--- error_code eval
[404, 404, 404]
--- response_body_like eval
['"code":"not_found"', '"code":"not_found"', '"code":"not_found"']
--- no_error_log
[error]
[alert]



=== TEST 5: a list has no validator: If-Match other than * fails, If-None-Match * is a 304
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["GET /v1/items", "GET /v1/items", "GET /v1/items", "GET /v1/items",
 "GET /v1/items"]
--- more_headers eval
['If-Match: "nope"', 'If-Match: *', 'If-None-Match: *',
 'If-None-Match: "x"', "If-Modified-Since: $::AFTER"]
--- error_code eval
[412, 200, 304, 200, 200]
--- response_body_like eval
['"code":"precondition_failed"', '^\{"items":\[\]', '^$', '^\{"items":\[\]',
 '^\{"items":\[\]']
--- no_error_log
[error]
[alert]



=== TEST 6: GET and HEAD send Last-Modified, the second of the stored modified time
--- api_setup
seed();
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["GET /v1/items/a1", "HEAD /v1/items/a1"]
--- response_headers eval
["Last-Modified: $::D\nETag: \"$::R1\"\nContent-Length: 17",
 "Last-Modified: $::D\nETag: \"$::R1\"\nContent-Length: 17"]
--- response_body eval
['{"id":"a1","x":1}', '']
--- no_error_log
[error]
[alert]



=== TEST 7: If-Modified-Since: 304 unless modified after the date; all three date formats
--- api_setup
seed();
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["GET /v1/items/a1", "GET /v1/items/a1", "GET /v1/items/a1",
 "HEAD /v1/items/a1", "GET /v1/items/a1", "GET /v1/items/a1"]
--- more_headers eval
["If-Modified-Since: $::D",
 "If-Modified-Since: $::AFTER",
 "If-Modified-Since: $::BEFORE",
 "If-Modified-Since: $::D",
 'If-Modified-Since: Sunday, 06-Nov-94 08:49:37 GMT',
 'If-Modified-Since: Sun Nov  6 08:49:37 1994']
--- error_code eval
[304, 304, 200, 304, 304, 304]
--- response_headers eval
["ETag: \"$::R1\"", "ETag: \"$::R1\"", "Last-Modified: $::D",
 "ETag: \"$::R1\"", "ETag: \"$::R1\"", "ETag: \"$::R1\""]
--- response_body eval
['', '', '{"id":"a1","x":1}', '', '', '']
--- no_error_log
[error]
[alert]



=== TEST 8: If-Modified-Since is ignored with If-None-Match, when invalid, or a list
--- api_setup
seed();
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["GET /v1/items/a1", "GET /v1/items/a1", "GET /v1/items/a1",
 "GET /v1/items/a1", "GET /v1/items/a1"]
--- more_headers eval
["If-None-Match: \"other\"\nIf-Modified-Since: $::AFTER",
 "If-Modified-Since: yesterday",
 "If-Modified-Since: $::AFTER, $::AFTER",
 "If-Modified-Since: Sun, 06 Nov 1994 08:49:38 XYZ",
 "If-Modified-Since: $::AFTER junk"]
--- error_code eval
[200, 200, 200, 200, 200]
--- response_body eval
['{"id":"a1","x":1}', '{"id":"a1","x":1}', '{"id":"a1","x":1}',
 '{"id":"a1","x":1}', '{"id":"a1","x":1}']
--- no_error_log
[error]
[alert]



=== TEST 9: If-Unmodified-Since on GET: 412 when modified after the date; If-Match takes precedence
--- api_setup
seed();
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["GET /v1/items/a1", "GET /v1/items/a1", "GET /v1/items/a1",
 "GET /v1/items/a1", "GET /v1/items/a1", "GET /v1/items/a1"]
--- more_headers eval
["If-Unmodified-Since: $::BEFORE",
 "If-Unmodified-Since: $::D",
 "If-Match: \"$::R1\"\nIf-Unmodified-Since: $::BEFORE",
 "If-Unmodified-Since: $::BEFORE\nIf-None-Match: \"$::R1\"",
 "If-Unmodified-Since: $::D\nIf-None-Match: \"$::R1\"",
 "If-Unmodified-Since: not a date"]
--- error_code eval
[412, 200, 200, 412, 304, 200]
--- response_body_like eval
['"code":"precondition_failed"', '^\{"id":"a1","x":1\}$',
 '^\{"id":"a1","x":1\}$', '"code":"precondition_failed"', '^$',
 '^\{"id":"a1","x":1\}$']
--- no_error_log
[error]
[alert]



=== TEST 10: PUT, PATCH and DELETE honour If-Unmodified-Since in the script
--- api_setup
seed();
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["PUT /v1/items/a1\n{\"y\":2}", "PATCH /v1/items/a1\n{\"y\":2}",
 "DELETE /v1/items/a1", "PUT /v1/items/b1\n{\"y\":2}"]
--- more_headers eval
["Content-Type: application/json\nIf-Unmodified-Since: $::BEFORE",
 "Content-Type: application/merge-patch+json\n"
 . "If-Unmodified-Since: $::BEFORE",
 "If-Unmodified-Since: $::BEFORE",
 "Content-Type: application/json\nIf-Unmodified-Since: $::AFTER"]
--- error_code eval
[412, 412, 412, 412]
--- response_body_like eval
['"code":"precondition_failed"', '"code":"precondition_failed"',
 '"code":"precondition_failed"', '"code":"precondition_failed"']
--- api_check
main::unchanged();
is(redis('EXISTS', 'api:{items}:b1'), 0, 'b1 not created');
--- no_error_log
[error]
[alert]



=== TEST 11: writes go ahead when unmodified since the date, or If-Match holds
--- api_setup
seed();
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["PATCH /v1/items/a1\n{\"y\":2}", "PUT /v1/items/a1\n{\"z\":3}",
 "DELETE /v1/items/a1"]
--- more_headers eval
["Content-Type: application/merge-patch+json\nIf-Unmodified-Since: $::D",
 "Content-Type: application/json\nIf-Match: *\n"
 . "If-Unmodified-Since: $::BEFORE",
 "If-Unmodified-Since: Sun, 01 Jan 2090 00:00:00 GMT"]
--- error_code eval
[200, 200, 204]
--- response_body eval
['{"id":"a1","x":1,"y":2}', '{"id":"a1","z":3}', '']
--- api_check
is(redis('EXISTS', 'api:{items}:a1'), 0, 'deleted') if $req == 2;
--- no_error_log
[error]
[alert]



=== TEST 12: a write moves Last-Modified to the write's time
--- api_setup
seed();
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["PATCH /v1/items/a1\n{\"y\":2}", "GET /v1/items/a1", "GET /v1/items/a1"]
--- more_headers eval
["Content-Type: application/merge-patch+json", "",
 "If-Modified-Since: $::D"]
--- error_code eval
[200, 200, 200]
--- response_headers_like eval
["", "Last-Modified: (?!\Q$::D\E)\\w{3}, \\d\\d \\w{3} 20\\d\\d \\d\\d:\\d\\d:\\d\\d GMT",
 ""]
--- response_body eval
['{"id":"a1","x":1,"y":2}', '{"id":"a1","x":1,"y":2}',
 '{"id":"a1","x":1,"y":2}']
--- no_error_log
[error]
[alert]



=== TEST 13: PATCH in a format the API does not apply: 415 with Accept-Patch
--- api_setup
seed();
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["PATCH /v1/items/a1\n[{\"op\":\"add\",\"path\":\"/y\",\"value\":2}]",
 "PATCH /v1/items/a1\n{\"y\":2}"]
--- more_headers eval
["Content-Type: application/json-patch+json",
 "Content-Type: application/vnd.example+json"]
--- error_code eval
[415, 415]
--- response_headers eval
["Accept-Patch: application/merge-patch+json, application/json\n"
 . "Content-Type: application/problem+json",
 "Accept-Patch: application/merge-patch+json, application/json\n"
 . "Content-Type: application/problem+json"]
--- response_body_like eval
['"code":"unsupported_media_type"', '"code":"unsupported_media_type"']
--- api_check
main::unchanged();
--- no_error_log
[error]
[alert]



=== TEST 14: OPTIONS of an item lists the PATCH formats; a collection has none
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["OPTIONS /v1/items/a1", "OPTIONS /v1/items"]
--- error_code eval
[204, 204]
--- response_headers eval
["Allow: GET, HEAD, PUT, PATCH, DELETE, OPTIONS\n"
 . "Accept-Patch: application/merge-patch+json, application/json",
 "Allow: GET, HEAD, POST, OPTIONS\n!Accept-Patch"]
--- response_body eval
['', '']
--- no_error_log
[error]
[alert]



=== TEST 15: a patch format is not a document: POST and PUT refuse them
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["POST /v1/items\n{\"y\":2}", "PUT /v1/items/b1\n[]",
 "POST /v1/items\n{\"y\":2}"]
--- more_headers eval
["Content-Type: application/merge-patch+json",
 "Content-Type: application/json-patch+json",
 "Content-Type: application/vnd.example+json"]
--- error_code eval
[415, 415, 201]
--- response_headers eval
["!Accept-Patch", "!Accept-Patch", "Content-Type: application/json"]
--- response_body_like eval
['"code":"unsupported_media_type"', '"code":"unsupported_media_type"',
 '"y":2']
--- no_error_log
[error]
[alert]



=== TEST 16: a body with a content coding: 415, Accept-Encoding: identity, nothing written
--- api_setup
seed();
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["POST /v1/items\n\x1f\x8b\x08\x00\x00\x00\x00\x00",
 "PUT /v1/items/a1\n{\"y\":2}", "PATCH /v1/items/a1\n{\"y\":2}",
 "POST /v1/items\n{\"y\":2}"]
--- more_headers eval
["Content-Type: application/json\nContent-Encoding: gzip",
 "Content-Type: application/json\nContent-Encoding: deflate",
 "Content-Type: application/merge-patch+json\n"
 . "Content-Encoding: identity, gzip",
 "Content-Type: application/json\nContent-Encoding: br"]
--- error_code eval
[415, 415, 415, 415]
--- response_headers eval
["Accept-Encoding: identity\nContent-Type: application/problem+json",
 "Accept-Encoding: identity\nContent-Type: application/problem+json",
 "Accept-Encoding: identity\nContent-Type: application/problem+json",
 "Accept-Encoding: identity\nContent-Type: application/problem+json"]
--- response_body_like eval
['"code":"unsupported_content_encoding"',
 '"code":"unsupported_content_encoding"',
 '"code":"unsupported_content_encoding"',
 '"code":"unsupported_content_encoding"']
--- api_check
main::unchanged();
is(redis('ZCARD', 'api:{items}'), 1, 'nothing created');
--- no_error_log
[error]
[alert]



=== TEST 17: Content-Encoding: identity is no coding at all
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
Content-Encoding: identity
--- request
PUT /v1/items/b1
{"y":2}
--- error_code: 201
--- response_body: {"id":"b1","y":2}
--- no_error_log
[error]
[alert]



=== TEST 18: PUT answers with the stored representation and says so: Content-Location, and the ETag is its revision
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
["PUT /v1/items/p1\n{ \"name\" : \"A\",\n  \"n\": 1.50 }",
 "PUT /v1/items/p1\n{\"id\": \"p1\", \"name\": \"B\"}"]
--- error_code eval
[201, 200]
--- response_headers eval
["Content-Location: /v1/items/p1\nLocation: /v1/items/p1",
 "Content-Location: /v1/items/p1\n!Location"]
--- response_body eval
['{"id":"p1","name":"A","n":1.50}', '{"id":"p1","name":"B"}']
--- api_check
my $rev = redis('HGET', 'api:{items}:p1', 'r');
like($rev, qr/^[0-9A-Z]{26}$/, 'a revision is stored');
my ($status, $h, $got) = http_get('/v1/items/p1');
is($h->{etag}, "\"$rev\"", 'GET sends the same ETag');
is($got, $body, 'GET sends the same representation');
--- no_error_log
[error]
[alert]



=== TEST 19: POST and PATCH answers carry Content-Location too
--- api_setup
seed();
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["PATCH /v1/items/a1\n{\"y\":2}", "POST /v1/items\n{\"id\":\"c1\"}"]
--- more_headers eval
["Content-Type: application/merge-patch+json",
 "Content-Type: application/json"]
--- error_code eval
[200, 201]
--- response_headers eval
["Content-Location: /v1/items/a1", "Content-Location: /v1/items/c1"]
--- response_body eval
['{"id":"a1","x":1,"y":2}', '{"id":"c1"}']
--- no_error_log
[error]
[alert]



=== TEST 20: If-Unmodified-Since is part of an Idempotency-Key's request
--- api_setup
seed();
--- http_config eval: $::HttpConfig
--- config
    location /v1/ {
        api;
        api_collection items;
        api_idempotency on;
    }
--- request eval
["PATCH /v1/items/a1\n{\"y\":2}", "PATCH /v1/items/a1\n{\"y\":2}",
 "PATCH /v1/items/a1\n{\"y\":2}"]
--- more_headers eval
["Content-Type: application/merge-patch+json\nIdempotency-Key: k1\n"
 . "If-Unmodified-Since: $::D",
 "Content-Type: application/merge-patch+json\nIdempotency-Key: k1\n"
 . "If-Unmodified-Since: $::D",
 "Content-Type: application/merge-patch+json\nIdempotency-Key: k1"]
--- error_code eval
[200, 200, 422]
--- response_headers eval
["!Idempotent-Replayed", "Idempotent-Replayed: true", "!Idempotent-Replayed"]
--- response_body_like eval
['^\{"id":"a1","x":1,"y":2\}$', '^\{"id":"a1","x":1,"y":2\}$',
 '"code":"idempotency_key_reused"']
--- no_error_log
[error]
[alert]
