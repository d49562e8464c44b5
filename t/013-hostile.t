# Hostile ids and collection names: every one is turned away with a 4xx
# before a command is sent, so nothing can reach a Redis key outside
# "api:{<declared collection>}:" and its index.  After each request the
# whole database must be what it was (redis_dump) and Redis must not have
# run a single EVALSHA, EVAL or HMGET (its commandstats).
#
# Some inputs never reach the module as such: nginx decodes %XX, resolves
# "." and ".." segments and merges slashes before locations are matched,
# and refuses %00 itself.  So "/v1/items/." and "/v1/items/%2F" are the
# collection's own URL (GET lists it, the one command allowed), and
# "/v1/%2E%2E/..." leaves the API location.  The titles say what each
# input becomes.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;

repeat_each(1);

plan tests => repeat_each() * 702;

my %Title = (400 => 'Bad Request', 404 => 'Not Found',
             405 => 'Method Not Allowed');

# The body of a problem the module sent, as a response_body_like pattern.
sub problem {
    my ($status, $code) = @_;
    return '^\{"type":"urn:ngx-http-api:problem:' . $code . '",'
         . '"title":"' . $Title{$status} . '","status":' . $status
         . ',"detail":".+","code":"' . $code
         . '","request_id":"[0-9a-f]{32}"\}$';
}

# GET, PUT (a valid JSON body) and DELETE of one id in "items".
sub id_reqs {
    my $id = shift;
    return ["GET /v1/items/$id",
            "PUT /v1/items/$id\n{\"v\":1}",
            "DELETE /v1/items/$id"];
}

# An item of the collection (GET, PUT, DELETE), then the collection itself
# (POST, GET).
sub coll_reqs {
    my $c = shift;
    return ["GET /v1/$c/doc1",
            "PUT /v1/$c/doc1\n{\"v\":1}",
            "DELETE /v1/$c/doc1",
            "POST /v1/$c\n{\"v\":1}",
            "GET /v1/$c"];
}

# Before every block: a document in each declared collection, the
# statistics reset, then the snapshot to compare with.
sub setup {
    seed_doc('items', 'doc1', '{"x":1}');
    seed_doc('users', 'doc1', '{"y":2}');
    redis('CONFIG', 'RESETSTAT');
    $main::before = redis_dump();
}

# The document commands the module sends (HMGET for GET, EVALSHA/EVAL for
# everything else) since setup(); the test's own commands are not counted.
sub module_calls {
    my $n = 0;
    for (split /\r?\n/, redis('INFO', 'commandstats')) {
        $n += $1 if /^cmdstat_(?:evalsha|eval|hmget):calls=(\d+)/;
    }
    return $n;
}

# Two assertions after each request.
sub untouched {
    my ($req, $calls) = @_;
    is(redis_dump(), $main::before, "request $req: nothing written to Redis");
    is(module_calls(), $calls // 0,
       "request $req: " . ($calls ? "only the listing's $calls command"
                                  : 'no document command')
       . ' reached Redis');
}

our $HttpConfig = <<'_EOC_';
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
_EOC_

our $Config = <<'_EOC_';
    location /v1/ {
        api;
        api_collection items users;
    }
_EOC_

# for the requests that leave /v1/: the test server's static root answers,
# and a missing file is not worth an [error] line
our $StaticConfig = <<'_EOC_' . $Config;
    log_not_found off;
_EOC_

before_each_block(\&setup);

run_tests();

__DATA__

=== TEST 1: id "..": nginx resolves /v1/items/.. to /v1/: 404 unknown_collection, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::id_reqs('..')
--- error_code eval
[404, 404, 404]
--- response_headers eval
[("Content-Type: application/problem+json") x 3]
--- response_body_like eval
[(main::problem(404, 'unknown_collection')) x 3]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 2: id "%2E%2E": decoded, then resolved like "..": 404 unknown_collection, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::id_reqs('%2E%2E')
--- error_code eval
[404, 404, 404]
--- response_headers eval
[("Content-Type: application/problem+json") x 3]
--- response_body_like eval
[(main::problem(404, 'unknown_collection')) x 3]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 3: id "%2F": decoded and merged into /v1/items/, the collection: GET lists it (200), PUT and DELETE 405, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::id_reqs('%2F')
--- error_code eval
[200, 405, 405]
--- response_headers eval
["Content-Type: application/json",
 "Content-Type: application/problem+json\nAllow: GET, HEAD, POST, OPTIONS",
 "Content-Type: application/problem+json\nAllow: GET, HEAD, POST, OPTIONS"]
--- response_body_like eval
['^\{"items":\[\{"id":"doc1","x":1\}\],"next_cursor":null\}$',
 main::problem(405, 'method_not_allowed'),
 main::problem(405, 'method_not_allowed')]
--- api_check
main::untouched($req, 1);
--- no_error_log
[error]
[alert]



=== TEST 4: id "a%2Fb": decoded to a/b, a path below an item: 404 not_found, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::id_reqs('a%2Fb')
--- error_code eval
[404, 404, 404]
--- response_headers eval
[("Content-Type: application/problem+json") x 3]
--- response_body_like eval
[(main::problem(404, 'not_found')) x 3]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 5: id "%00": nginx itself refuses the request line: 400 (its HTML page), nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::id_reqs('%00')
--- error_code eval
[400, 400, 400]
--- response_headers eval
[("Content-Type: text/html") x 3]
--- response_body_like eval
[('<title>400 Bad Request</title>') x 3]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 6: id "a:b": 400 invalid_id, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::id_reqs('a:b')
--- error_code eval
[400, 400, 400]
--- response_headers eval
[("Content-Type: application/problem+json") x 3]
--- response_body_like eval
[(main::problem(400, 'invalid_id')) x 3]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 7: id "a{b": 400 invalid_id, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::id_reqs('a{b')
--- error_code eval
[400, 400, 400]
--- response_headers eval
[("Content-Type: application/problem+json") x 3]
--- response_body_like eval
[(main::problem(400, 'invalid_id')) x 3]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 8: id "a}b": 400 invalid_id, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::id_reqs('a}b')
--- error_code eval
[400, 400, 400]
--- response_headers eval
[("Content-Type: application/problem+json") x 3]
--- response_body_like eval
[(main::problem(400, 'invalid_id')) x 3]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 9: id "{items}" (raw braces): 400 invalid_id, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::id_reqs('{items}')
--- error_code eval
[400, 400, 400]
--- response_headers eval
[("Content-Type: application/problem+json") x 3]
--- response_body_like eval
[(main::problem(400, 'invalid_id')) x 3]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 10: id "%7Bitems%7D" (encoded braces): 400 invalid_id, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::id_reqs('%7Bitems%7D')
--- error_code eval
[400, 400, 400]
--- response_headers eval
[("Content-Type: application/problem+json") x 3]
--- response_body_like eval
[(main::problem(400, 'invalid_id')) x 3]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 11: a 129-character id: 400 invalid_id, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::id_reqs('a' x 129)
--- error_code eval
[400, 400, 400]
--- response_headers eval
[("Content-Type: application/problem+json") x 3]
--- response_body_like eval
[(main::problem(400, 'invalid_id')) x 3]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 12: a non-ASCII id ("%C3%A9", UTF-8 e-acute): 400 invalid_id, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::id_reqs('%C3%A9')
--- error_code eval
[400, 400, 400]
--- response_headers eval
[("Content-Type: application/problem+json") x 3]
--- response_body_like eval
[(main::problem(400, 'invalid_id')) x 3]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 13: an id with a space ("a%20b"): 400 invalid_id, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::id_reqs('a%20b')
--- error_code eval
[400, 400, 400]
--- response_headers eval
[("Content-Type: application/problem+json") x 3]
--- response_body_like eval
[(main::problem(400, 'invalid_id')) x 3]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 14: id ".": nginx resolves /v1/items/. to /v1/items/, the collection: GET lists it (200), PUT and DELETE 405, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::id_reqs('.')
--- error_code eval
[200, 405, 405]
--- response_headers eval
["Content-Type: application/json",
 "Content-Type: application/problem+json\nAllow: GET, HEAD, POST, OPTIONS",
 "Content-Type: application/problem+json\nAllow: GET, HEAD, POST, OPTIONS"]
--- response_body_like eval
['^\{"items":\[\{"id":"doc1","x":1\}\],"next_cursor":null\}$',
 main::problem(405, 'method_not_allowed'),
 main::problem(405, 'method_not_allowed')]
--- api_check
main::untouched($req, 1);
--- no_error_log
[error]
[alert]



=== TEST 15: POST and PATCH to hostile item paths: 400 invalid_id, 400 invalid_id, 404 unknown_collection (/v1/items/.. is /v1/), 404 not_found; nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
["POST /v1/items/a:b\n{\"v\":1}",
 "PATCH /v1/items/a:b\n{\"v\":1}",
 "POST /v1/items/..\n{\"v\":1}",
 "POST /v1/items/a%2Fb\n{\"v\":1}"]
--- error_code eval
[400, 400, 404, 404]
--- response_headers eval
[("Content-Type: application/problem+json") x 4]
--- response_body_like eval
[main::problem(400, 'invalid_id'), main::problem(400, 'invalid_id'),
 main::problem(404, 'unknown_collection'), main::problem(404, 'not_found')]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 16: collection "%2E%2E": nginx resolves it away, the request leaves the API location; its static root answers (404/405 HTML, 200 for "/"); nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::StaticConfig
--- more_headers
Content-Type: application/json
--- request eval
main::coll_reqs('%2E%2E')
--- error_code eval
[404, 405, 405, 405, 200]
--- response_headers eval
[("Content-Type: text/html") x 5]
--- response_body_like eval
['<title>404 Not Found</title>', '<title>405 Not Allowed</title>',
 '<title>405 Not Allowed</title>', '<title>405 Not Allowed</title>',
 'It works!']
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 17: collection "items%2F..": nginx resolves /v1/items/../doc1 to /v1/doc1 and /v1/items/.. to /v1/: 404 unknown_collection, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::coll_reqs('items%2F..')
--- error_code eval
[404, 404, 404, 404, 404]
--- response_headers eval
[("Content-Type: application/problem+json") x 5]
--- response_body_like eval
[(main::problem(404, 'unknown_collection')) x 5]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 18: collection "{items}" (raw braces): 404 unknown_collection, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::coll_reqs('{items}')
--- error_code eval
[404, 404, 404, 404, 404]
--- response_headers eval
[("Content-Type: application/problem+json") x 5]
--- response_body_like eval
[(main::problem(404, 'unknown_collection')) x 5]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 19: collection "%7Bitems%7D" (encoded braces): 404 unknown_collection, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::coll_reqs('%7Bitems%7D')
--- error_code eval
[404, 404, 404, 404, 404]
--- response_headers eval
[("Content-Type: application/problem+json") x 5]
--- response_body_like eval
[(main::problem(404, 'unknown_collection')) x 5]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 20: collection "ITEMS" (names are case-sensitive): 404 unknown_collection, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::coll_reqs('ITEMS')
--- error_code eval
[404, 404, 404, 404, 404]
--- response_headers eval
[("Content-Type: application/problem+json") x 5]
--- response_body_like eval
[(main::problem(404, 'unknown_collection')) x 5]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 21: collection "items:x": 404 unknown_collection, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::coll_reqs('items:x')
--- error_code eval
[404, 404, 404, 404, 404]
--- response_headers eval
[("Content-Type: application/problem+json") x 5]
--- response_body_like eval
[(main::problem(404, 'unknown_collection')) x 5]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 22: a non-ASCII collection ("%C3%A9"): 404 unknown_collection, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::coll_reqs('%C3%A9')
--- error_code eval
[404, 404, 404, 404, 404]
--- response_headers eval
[("Content-Type: application/problem+json") x 5]
--- response_body_like eval
[(main::problem(404, 'unknown_collection')) x 5]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 23: collection "items%C3%A9" (a declared name plus non-ASCII): 404 unknown_collection, nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
main::coll_reqs('items%C3%A9')
--- error_code eval
[404, 404, 404, 404, 404]
--- response_headers eval
[("Content-Type: application/problem+json") x 5]
--- response_body_like eval
[(main::problem(404, 'unknown_collection')) x 5]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]



=== TEST 24: a 128-character id is valid: PUT 201 at exactly api:{items}:<id>, GET 200, DELETE 204
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
my $id = 'a' x 120 . '.-_~0123';
["PUT /v1/items/$id\n{\"v\":1}", "GET /v1/items/$id", "DELETE /v1/items/$id"]
--- error_code eval
[201, 200, 204]
--- response_headers eval
my $id = 'a' x 120 . '.-_~0123';
["Location: /v1/items/$id", "Content-Type: application/json", "!Content-Type"]
--- response_body_like eval
my $id = 'a' x 120 . '.-_~0123';
["^\\{\"id\":\"\Q$id\E\",\"v\":1\\}\$", "^\\{\"id\":\"\Q$id\E\",\"v\":1\\}\$", '^$']
--- api_check
my $id = 'a' x 120 . '.-_~0123';
my @keys = ('api:{items}', 'api:{items}:doc1', 'api:{users}', 'api:{users}:doc1');
push @keys, "api:{items}:$id" if $req < 2;
is(join(' ', sort @{ redis('KEYS', '*') }), join(' ', sort @keys),
   "request $req: the keys are exactly " . ($req < 2 ? 'the new document' : 'the seeded ones'));
if ($req == 0) {
    is(join(' ', @{ redis('ZRANGE', 'api:{items}', 0, -1) }), "$id doc1",
       'the index holds the 128-character id');
}
--- no_error_log
[error]
[alert]



=== TEST 25: POST with a hostile "id" in the body: 400 invalid_id ("a\u0000b": 400 invalid_json, jansson refuses NUL), nothing written
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- more_headers
Content-Type: application/json
--- request eval
[map { "POST /v1/items\n{\"id\":$_,\"v\":1}" }
 '"a:b"', '"../x"', '"' . ('a' x 129) . '"', '"."', '".."', '"{items}"',
 '"a/b"', '"a\\u0000b"', '"\\u00e9"', '""', '7']
--- error_code eval
[(400) x 11]
--- response_headers eval
[("Content-Type: application/problem+json") x 11]
--- response_body_like eval
[(main::problem(400, 'invalid_id')) x 7, main::problem(400, 'invalid_json'),
 (main::problem(400, 'invalid_id')) x 3]
--- api_check
main::untouched($req);
--- no_error_log
[error]
[alert]
