# Idempotency-Key on POST and PATCH: a retry gets the first response
# again without a second write (422 for another request under the key,
# 409 while the first is in flight), and only successes are recorded.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use IO::Select;
use Time::HiRes qw(sleep);

repeat_each(1);
worker_connections(1024);

plan tests => repeat_each() * 271;

our $HttpConfig = <<'_EOC_';
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_timeout 5s;
_EOC_

# The api location, with these directives.
sub api_location {
    return "    location /v1/ {\n        api;\n"
           . join('', map { "        $_\n" } 'api_collection items users;', @_)
           . "    }\n";
}

our $Config = api_location('api_idempotency on;');

our $Json = 'Content-Type: application/json';
our $Merge = 'Content-Type: application/merge-patch+json';

sub post {
    my ($body, @headers) = @_;
    return http_request('POST', '/v1/items', body => $body,
                        headers => [$Json, @headers]);
}

sub patch {
    my ($id, $body, @headers) = @_;
    return http_request('PATCH', "/v1/items/$id", body => $body,
                        headers => [$Merge, @headers]);
}

# The document hashes of a collection (not the index, records or locks).
sub docs {
    my $c = shift // 'items';
    my @docs = sort grep { !/:idem(lock)?:/ } @{ redis('KEYS', "api:{$c}:*") };
    return @docs;
}

sub records { return @{ redis('KEYS', 'api:{items}:idem:*') } }
sub locks   { return @{ redis('KEYS', 'api:{items}:idemlock:*') } }

# A POST with a key whose body stops halfway, once it holds the lock (one
# assertion); http_finish() sends the rest.
sub start_post {
    my ($key, $body) = @_;
    my $h = http_start('POST', '/v1/items', body => $body,
                       partial => int(length($body) / 2),
                       headers => [$Json, "Idempotency-Key: $key"]);
    ok(wait_until(5, sub { scalar(locks()) == 1 }),
       "$key: the lock is taken while the body comes");
    return $h;
}

# 20 identical POSTs with one key, all at once (%opt goes to http_many):
# every answer 201 or 409, every 201 the same document, one document
# (three assertions).  Returns the 201s.
sub race {
    my ($key, %opt) = @_;
    my @req = map {
        ['POST', '/v1/items', body => qq({"race":"$key"}),
         headers => [$Json, "Idempotency-Key: $key"]]
    } 1 .. 20;
    my @res = http_many(\@req, %opt);

    my @st = map { $_->{status} // 'none' } @res;
    is(scalar(grep { $_ eq '201' || $_ eq '409' } @st), 20,
       "$key: every answer is 201 or 409") or diag("statuses: @st");
    my @created = grep { ($_->{status} // 0) == 201 } @res;
    my %bodies = map { ($_->{body} => 1) } @created;
    is(scalar(keys %bodies), 1, "$key: every 201 shows the same document");
    is(scalar(docs()), 1, "$key: exactly one document");
    return @created;
}

# What a replay must repeat byte for byte.
sub shown {
    my $res = shift;
    return { status => $res->{status}, body => $res->{body},
             map { ($_ => $res->{headers}{$_}) }
                 qw(etag location content-type content-length) };
}

sub problem_code {
    my $res = shift;
    return ($res->{body} =~ /"code":"([a-z_]+)"/)[0] // '';
}

run_tests();

__DATA__

=== TEST 1: POST with a key: 201; the retry gets the same 201, replayed, and one document
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request
GET /v1/items
--- api_check
my $first = post('{"name":"widget"}', 'Idempotency-Key: "order-1"');
is($first->{status}, 201, 'the first POST creates');
ok(!exists $first->{headers}{'idempotent-replayed'},
   'the first response is not marked as a replay');
is(scalar(locks()), 0, 'the lock is gone once the write is done');

my @rec = records();
is(scalar(@rec), 1, 'one record');
my $ttl = redis('PTTL', $rec[0]);
ok($ttl > 86_000_000 && $ttl <= 86_400_000,
   "the record lives api_idempotency_ttl, 24h by default ($ttl ms)");

for my $n (1 .. 2) {
    my $again = post('{"name":"widget"}', 'Idempotency-Key: "order-1"');
    is_deeply(shown($again), shown($first),
              "retry $n: the same status, ETag, Location, type and body");
    is($again->{headers}{'idempotent-replayed'}, 'true',
       "retry $n: Idempotent-Replayed: true");
}

my @docs = docs();
is(scalar(@docs), 1, 'exactly one document');
my ($id) = $first->{body} =~ /"id":"([^"]+)"/;
is($docs[0], "api:{items}:$id", 'the one of the first response');
is_deeply(redis('ZRANGE', 'api:{items}', 0, -1), [$id], 'indexed once');
ok(error_log_like(qr/api idempotency: lock held/)
   && error_log_like(qr/api idempotency: replay 201/),
   'the lock and the replay are in the debug log');
--- response_body: {"items":[],"next_cursor":null}
--- no_error_log
[error]
[alert]



=== TEST 2: PATCH with a key: the retry replays the first 200 and changes nothing
--- api_setup
seed_doc('items', 'p1', '{"n":0}', 'REV0' . ('0' x 22));
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request
GET /v1/items/p1
--- api_check
my $first = patch('p1', '{"a":1}', 'Idempotency-Key: patch-1');
is($first->{status}, 200, 'the PATCH applies');
is($first->{body}, '{"id":"p1","n":0,"a":1}', 'the merged document');
my $rev = redis('HGET', 'api:{items}:p1', 'r');
is(qq{"$rev"}, $first->{headers}{etag}, 'a new revision, the ETag');

# another change in between: the replay still shows the first response
my $other = patch('p1', '{"b":2}');
is($other->{status}, 200, 'a PATCH without a key changes the document');
my $stored = redis('HGETALL', 'api:{items}:p1');

my $again = patch('p1', '{"a":1}', 'Idempotency-Key: patch-1');
is_deeply(shown($again), shown($first),
          'the retry gets the first 200: its ETag and merged document');
is($again->{headers}{'idempotent-replayed'}, 'true',
   'Idempotent-Replayed: true');
is_deeply(redis('HGETALL', 'api:{items}:p1'), $stored,
          'the retry wrote nothing: revision and document unchanged');
is(scalar(locks()), 0, 'no lock left');
--- response_body: {"id":"p1","n":0}
--- no_error_log
[error]
[alert]



=== TEST 3: the same key with another body, path or method: 422, nothing changed
--- api_setup
seed_doc('items', 'p1', '{"n":0}');
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request
GET /v1/items/p1
--- api_check
my $first = post('{"name":"a"}', 'Idempotency-Key: k1');
is($first->{status}, 201, 'the first POST creates');
my $before = redis_dump();

my @reuse = (
    post('{"name":"b"}', 'Idempotency-Key: k1'),
    post('{"name":"a" }', 'Idempotency-Key: k1'),
    patch('p1', '{"name":"a"}', 'Idempotency-Key: k1'),
);
for my $i (0 .. $#reuse) {
    my $res = $reuse[$i];
    is($res->{status}, 422, "reuse $i: 422");
    is(problem_code($res), 'idempotency_key_reused',
       "reuse $i: code idempotency_key_reused");
}
is($reuse[0]{headers}{'content-type'}, 'application/problem+json',
   'problem+json');
like($reuse[0]{body},
     qr/^\{"type":"urn:ngx-http-api:problem:idempotency_key_reused","title":"Unprocessable Content","status":422,"detail":"[^"]+","code":"idempotency_key_reused","request_id":"[0-9a-f]{32}"\}$/,
     'the whole problem body');
is(redis_dump(), $before, 'Redis holds exactly what it held before');
--- response_body: {"id":"p1","n":0}
--- no_error_log
[error]
[alert]



=== TEST 4: a second request while the first is in flight: 409 with Retry-After; the first completes
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request
GET /v1/items
--- api_check
my $body = '{"name":"slow","pad":"' . ('x' x 200) . '"}';
my $h = start_post('slow-1', $body);

my $second = post($body, 'Idempotency-Key: slow-1');
is($second->{status}, 409, 'the second request: 409');
is(problem_code($second), 'idempotency_in_flight',
   'code idempotency_in_flight');
is($second->{headers}{'content-type'}, 'application/problem+json',
   'problem+json');
is($second->{headers}{'retry-after'}, '1', 'Retry-After: 1');
is(scalar(locks()), 1, "the 409 left the first request's lock alone");

my $first = http_finish($h);
is($first->{status}, 201, 'the first request completes: 201');
is(scalar(docs()), 1, 'one document');
is(scalar(locks()), 0, 'the lock is gone');

my $third = post($body, 'Idempotency-Key: slow-1');
is_deeply(shown($third), shown($first), 'a later retry replays the 201');
ok(error_log_like(qr/api idempotency: key in flight/),
   'the debug log says why');
--- response_body: {"items":[],"next_cursor":null}
--- no_error_log
[error]
[alert]



=== TEST 5: 20 identical POSTs with one key at once: one document; each answer 201 or 409
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request
GET /v1/items
--- api_check
# Redis is paused while the 20 reach nginx: their locks race in Redis.
race('race-1', before  => sub { redis_pause() },
               between => sub { sleep 0.3; redis_resume() });
is(redis('ZCARD', 'api:{items}'), 1, 'one index entry');
is(scalar(locks()), 0, 'no lock left');
--- response_body: {"items":[],"next_cursor":null}
--- no_error_log
[error]
[alert]



=== TEST 6: retries racing past an expired lock still write once: the script decides
--- http_config eval: $::HttpConfig
--- config eval
::api_location('api_idempotency on;', 'api_idempotency_lock_ttl 1ms;')
--- request
GET /v1/items
--- api_check
my @created = race('race-2');
is(scalar(grep { !$_->{headers}{'idempotent-replayed'} } @created), 1,
   'exactly one 201 is not a replay');
--- response_body: {"items":[],"next_cursor":null}
--- no_error_log
[error]
[alert]



=== TEST 7: api_idempotency required: POST and PATCH without a key are 400
--- api_setup
seed_doc('items', 'p1', '{"n":0}');
--- http_config eval: $::HttpConfig
--- config eval: ::api_location('api_idempotency required;')
--- request eval
["POST /v1/items\n{\"a\":1}", "PATCH /v1/items/p1\n{\"a\":1}"]
--- more_headers
Content-Type: application/json
--- error_code eval
[400, 400]
--- response_headers eval
["Content-Type: application/problem+json", "Content-Type: application/problem+json"]
--- response_body eval
[qr/^\{"type":"urn:ngx-http-api:problem:idempotency_key_required","title":"Bad Request","status":400,"detail":"This request needs an Idempotency-Key header\.","code":"idempotency_key_required","request_id":"[0-9a-f]{32}"\}$/,
 qr/"code":"idempotency_key_required"/]
--- api_check
is(redis('HGET', 'api:{items}:p1', 'd'), '{"n":0}', 'the document is unchanged');
is(scalar(docs()), 1, 'nothing created');
--- no_error_log
[error]
[alert]



=== TEST 8: malformed keys: 400 bad_idempotency_key, nothing stored
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request eval
["POST /v1/items\n{\"a\":1}", "POST /v1/items\n{\"a\":1}",
 "POST /v1/items\n{\"a\":1}", "POST /v1/items\n{\"a\":1}",
 "POST /v1/items\n{\"a\":1}", "POST /v1/items\n{\"a\":1}",
 "POST /v1/items\n{\"a\":1}"]
--- more_headers eval
["Content-Type: application/json\nIdempotency-Key: \"\"",
 "Content-Type: application/json\nIdempotency-Key: " . ('k' x 256),
 "Content-Type: application/json\nIdempotency-Key: a b",
 "Content-Type: application/json\nIdempotency-Key: \"abc",
 "Content-Type: application/json\nIdempotency-Key: \"abc\";p=1",
 "Content-Type: application/json\nIdempotency-Key: \"a\\x\"",
 "Content-Type: application/json\nIdempotency-Key: a\nIdempotency-Key: b"]
--- error_code eval
[(400) x 7]
--- response_body_like eval
[('"code":"bad_idempotency_key"') x 7]
--- api_check
is(redis_dump(), '', 'Redis holds nothing');
--- no_error_log
[error]
[alert]



=== TEST 9: a quoted key and the same bare token are one key; 255 characters and escapes are fine
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request
GET /v1/items
--- api_check
my $a = post('{"a":1}', 'Idempotency-Key: "abc-123"');
my $b = post('{"a":1}', 'Idempotency-Key: abc-123');
is($a->{status}, 201, '"abc-123": 201');
is_deeply(shown($b), shown($a), 'abc-123 replays it');
my $long = post('{"a":2}', 'Idempotency-Key: ' . ('k' x 255));
is($long->{status}, 201, '255 characters: 201');
my $esc = post('{"a":3}', 'Idempotency-Key: "q\\"b\\\\s"');
my $esc2 = post('{"a":3}', 'Idempotency-Key: q"b\\s');
is($esc->{status}, 201, 'a quoted key with \\" and \\\\: 201');
is($esc2->{status}, 400, 'a bare key may not contain a quote');
is(scalar(docs()), 3, 'three documents');
--- response_body: {"items":[],"next_cursor":null}
--- no_error_log
[error]
[alert]



=== TEST 10: failures record nothing: the corrected retry with the same key runs
--- api_setup
seed_doc('items', 'p1', '{"n":0}', 'REV0' . ('0' x 22));
seed_doc('items', 'taken', '{"n":0}');
--- http_config eval: $::HttpConfig
--- config eval
::api_location('api_idempotency on;', 'client_max_body_size 100;')
--- request
GET /v1/items/p1
--- api_check
my $rev = 'REV0' . ('0' x 22);

# bad JSON: rejected in nginx after the lock was taken
my $bad = post('{"a":', 'Idempotency-Key: fix-1');
is($bad->{status}, 400, 'invalid JSON: 400');
is(problem_code($bad), 'invalid_json', 'code invalid_json');
ok(wait_until(5, sub { scalar(locks()) == 0 }),
   'its lock is released');
my $good = post('{"a":1}', 'Idempotency-Key: fix-1');
is($good->{status}, 201, 'the corrected retry with the same key: 201');
ok(!$good->{headers}{'idempotent-replayed'}, 'not a replay');

# too large: 413 from the body reader
my $big = post('{"a":"' . ('x' x 200) . '"}', 'Idempotency-Key: fix-2');
is($big->{status}, 413, 'a body over client_max_body_size: 413');
ok(wait_until(5, sub { scalar(locks()) == 0 }), 'its lock is released');
is(post('{"a":2}', 'Idempotency-Key: fix-2')->{status}, 201,
   'then 201 with the same key');

# 409 and 412 from the script: it records nothing and drops the lock
my $dup = post('{"id":"taken"}', 'Idempotency-Key: fix-3');
is($dup->{status}, 409, 'an existing id: 409');
is(problem_code($dup), 'already_exists', 'code already_exists');
is(post('{"id":"fresh"}', 'Idempotency-Key: fix-3')->{status}, 201,
   'another id with the same key: 201');

my $stale = patch('p1', '{"a":1}', 'Idempotency-Key: fix-4',
                  'If-Match: "stale"');
is($stale->{status}, 412, 'a stale If-Match: 412');
my $ok = patch('p1', '{"a":1}', 'Idempotency-Key: fix-4',
               qq{If-Match: "$rev"});
is($ok->{status}, 200, 'the current If-Match with the same key: 200');

# 415 is decided before the lock is taken
my $type = http_request('POST', '/v1/items', body => '{"a":9}',
                        headers => ['Content-Type: text/plain',
                                    'Idempotency-Key: fix-5']);
is($type->{status}, 415, 'a wrong Content-Type: 415');
is(scalar(locks()), 0, 'no lock');
is(scalar(records()), 4, 'four records: the four successes');
--- response_body: {"id":"p1","n":0}
--- no_error_log
[error]
[alert]



=== TEST 11: a client that leaves mid-body: its lock is released, the retry runs
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request
GET /v1/items
--- api_check
my $body = '{"name":"gone","pad":"' . ('x' x 200) . '"}';
my $h = start_post('gone-1', $body);
http_finish($h, close => 1);
ok(wait_until(5, sub { scalar(locks()) == 0 }),
   'the lock is released when the request ends');
ok(wait_until(5, sub {
       error_log_like(qr/api idempotency: release "[^"]+": sent/) }),
   'by the detached compare-and-delete');
is(scalar(docs()), 0, 'nothing was written');
my $retry = post($body, 'Idempotency-Key: gone-1');
is($retry->{status}, 201, 'the retry with the same key: 201');
is(scalar(docs()), 1, 'one document');
--- response_body: {"items":[],"next_cursor":null}
--- no_error_log
[error]
[alert]



=== TEST 12: records expire after api_idempotency_ttl: the same key then creates again
--- http_config eval: $::HttpConfig
--- config eval
::api_location('api_idempotency on;', 'api_idempotency_ttl 500ms;',
               'api_idempotency_lock_ttl 10s;')
--- request
GET /v1/items
--- api_check
my $first = post('{"a":1}', 'Idempotency-Key: ttl-1');
is($first->{status}, 201, 'the first POST: 201');
my ($rec) = records();
my $ttl = redis('PTTL', $rec);
ok($ttl > 0 && $ttl <= 500, "the record expires within 500 ms ($ttl)");
ok(wait_until(5, sub { scalar(records()) == 0 }), 'the record expires');
my $later = post('{"a":1}', 'Idempotency-Key: ttl-1');
is($later->{status}, 201, 'the same request later: 201');
ok(!$later->{headers}{'idempotent-replayed'}, 'not a replay');
isnt($later->{headers}{location}, $first->{headers}{location},
     'a new document');
is(scalar(docs()), 2, 'two documents');
--- response_body: {"items":[],"next_cursor":null}
--- no_error_log
[error]
[alert]



=== TEST 13: keys are scoped by client: two clients with one key get their own records
--- http_config eval: $::HttpConfig
--- config eval
"    set_real_ip_from 127.0.0.1;\n    real_ip_header X-Real-IP;\n"
. ::api_location('api_idempotency on;')
--- request
GET /v1/items
--- api_check
my $a1 = post('{"a":1}', 'Idempotency-Key: shared', 'X-Real-IP: 192.0.2.1');
my $b1 = post('{"a":1}', 'Idempotency-Key: shared', 'X-Real-IP: 192.0.2.2');
is("$a1->{status} $b1->{status}", '201 201', 'both clients create');
isnt($a1->{headers}{location}, $b1->{headers}{location},
     'two documents');
my $a2 = post('{"a":1}', 'Idempotency-Key: shared', 'X-Real-IP: 192.0.2.1');
my $b2 = post('{"a":2}', 'Idempotency-Key: shared', 'X-Real-IP: 192.0.2.2');
is_deeply(shown($a2), shown($a1), "the first client's retry: its own 201");
is($b2->{status}, 422, "another body from the second client: 422");
is(scalar(records()), 2, 'two records');
--- response_body: {"items":[],"next_cursor":null}
--- no_error_log
[error]
[alert]



=== TEST 14: keys are scoped by API key name: one key, two clients, one record
--- http_config eval: $::HttpConfig
--- config eval
"    set_real_ip_from 127.0.0.1;\n    real_ip_header X-Real-IP;\n"
. ::api_location('api_idempotency on;', 'api_key on;')
--- api_setup
use Digest::SHA qw(sha256_hex);
for my $k (['ak_one', 'one'], ['ak_two', 'two']) {
    redis('HSET', 'api:key:' . sha256_hex($k->[0]), 'name', $k->[1],
          'scopes', 'read write', 'created', 0, 'expires', 0);
}
--- request
GET /v1/items
--- more_headers
Authorization: Bearer ak_one
--- api_check
my $a1 = post('{"a":1}', 'Idempotency-Key: k', 'X-Real-IP: 192.0.2.1',
              'Authorization: Bearer ak_one');
my $a2 = post('{"a":1}', 'Idempotency-Key: k', 'X-Real-IP: 192.0.2.2',
              'Authorization: Bearer ak_one');
is("$a1->{status} $a2->{status}", '201 201', 'created, then replayed');
is($a2->{headers}{'idempotent-replayed'}, 'true',
   'the same key name from another address is the same scope');
is($a2->{headers}{location}, $a1->{headers}{location}, 'one document');
my $b1 = post('{"a":1}', 'Idempotency-Key: k', 'X-Real-IP: 192.0.2.1',
              'Authorization: Bearer ak_two');
is($b1->{status}, 201, 'another key name: its own scope');
ok(!$b1->{headers}{'idempotent-replayed'}, 'not a replay');
is(scalar(records()), 2, 'two records');
--- response_body: {"items":[],"next_cursor":null}
--- no_error_log
[error]
[alert]



=== TEST 15: api_idempotency off (the default): the header is ignored
--- http_config eval: $::HttpConfig
--- config eval: ::api_location()
--- request
GET /v1/items
--- api_check
my @res = map { post('{"a":1}', 'Idempotency-Key: k') } 1 .. 2;
is(join(' ', map { $_->{status} } @res), '201 201', 'two 201s');
isnt($res[0]{headers}{location}, $res[1]{headers}{location},
     'two documents');
ok(!grep({ $_->{headers}{'idempotent-replayed'} } @res), 'no replay');
is(scalar(@{ redis('KEYS', '*idem*') }), 0, 'no record, no lock');
--- response_body: {"items":[],"next_cursor":null}
--- no_error_log
[error]
[alert]



=== TEST 16: GET, HEAD, PUT, DELETE, OPTIONS ignore the header, also where it is required
--- http_config eval: $::HttpConfig
--- config eval: ::api_location('api_idempotency required;')
--- request eval
["PUT /v1/items/u1\n{\"a\":1}", "PUT /v1/items/u1\n{\"a\":2}",
 "GET /v1/items/u1", "HEAD /v1/items/u1", "OPTIONS /v1/items",
 "DELETE /v1/items/u1", "PUT /v1/items/u2\n{\"a\":3}"]
--- more_headers eval
[("Content-Type: application/json\nIdempotency-Key: same") x 6,
 "Content-Type: application/json"]
--- error_code eval
[201, 200, 200, 200, 204, 204, 201]
--- response_headers eval
[("!Idempotent-Replayed") x 7]
--- api_check
if ($req == 6) {
    is(scalar(@{ redis('KEYS', '*idem*') }), 0, 'no record, no lock');
}
--- no_error_log
[error]
[alert]



=== TEST 17: Redis does not answer the write: 504, yet the write ran; the retry replays it
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_timeout 300ms;
--- config eval: $::Config
--- request
GET /v1/items
--- api_check
my $body = '{"name":"late","pad":"' . ('x' x 100) . '"}';
my $h = start_post('late-1', $body);
redis_pause();
my $first = http_finish($h);
redis_resume();
is($first->{status}, 504, 'the write times out: 504');
ok(wait_until(5, sub { scalar(records()) == 1 && scalar(locks()) == 0 }),
   'Redis ran the script after all: a record, no lock');
my $retry;
wait_until(5, sub {
    $retry = post($body, 'Idempotency-Key: late-1');
    ($retry->{status} // 0) != 503;
});
is($retry->{status}, 201, 'the retry: 201');
is($retry->{headers}{'idempotent-replayed'}, 'true', 'replayed');
is(scalar(docs()), 1, 'one document');
--- response_body: {"items":[],"next_cursor":null}
--- no_error_log
[alert]



=== TEST 18: Redis down at the lock step: 503 problem with Retry-After
--- http_config
    api_redis_server 127.0.0.1:1;
--- config eval: $::Config
--- more_headers
Content-Type: application/json
Idempotency-Key: down-1
--- request
POST /v1/items
{"a":1}
--- error_code: 503
--- response_headers
Content-Type: application/problem+json
Retry-After: 1
--- response_body_like: "code":"redis_unavailable"
--- no_error_log
[alert]



=== TEST 19: a client that leaves while the lock command is in flight: the key is free again within api_idempotency_lock_ttl
--- http_config eval: $::HttpConfig
--- config eval
::api_location('api_idempotency on;', 'api_idempotency_lock_ttl 1s;')
--- request
GET /v1/items
--- api_check
redis_pause();
my $h = http_start('POST', '/v1/items', body => '{"a":1}', partial => 7,
                   headers => [$::Json, 'Idempotency-Key: leave-1']);
sleep 0.3;
http_finish($h, close => 1);
sleep 0.3;
redis_resume();
ok(wait_until(5, sub { error_log_like(qr/reply dropped/) }),
   'the late reply to the lock is dropped');
ok(wait_until(5, sub { scalar(locks()) == 0 }), 'the lock is gone');
my $retry = post('{"a":1}', 'Idempotency-Key: leave-1');
is($retry->{status}, 201, 'the retry: 201');
is(scalar(docs()), 1, 'one document');
--- response_body: {"items":[],"next_cursor":null}
--- no_error_log
[error]
[alert]



=== TEST 20: Expect: 100-continue: the body is asked for once the lock is held
--- http_config eval: $::HttpConfig
--- config eval: $::Config
--- request
GET /v1/items
--- api_check
my $h = http_start('POST', '/v1/items', body => '{"a":1}', partial => 0,
                   headers => [$::Json, 'Expect: 100-continue',
                               'Idempotency-Key: expect-1']);
my $got = '';
if (IO::Select->new($h->{sock})->can_read(5)) {
    sysread($h->{sock}, $got, 1024);
}
is($got, "HTTP/1.1 100 Continue\r\n\r\n", '100 Continue');
is(scalar(locks()), 1, 'the lock is held while the body is awaited');
is(http_finish($h)->{status}, 201, 'then the body: 201');
--- response_body: {"items":[],"next_cursor":null}
--- no_error_log
[error]
[alert]



=== TEST 21: configuration: an unknown api_idempotency mode fails start-up
--- http_config eval: $::HttpConfig
--- config eval: ::api_location('api_idempotency sometimes;')
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qinvalid value "sometimes" in \E.*nginx\.conf:\d+}



=== TEST 22: configuration: a zero api_idempotency_ttl fails start-up
--- http_config eval: $::HttpConfig
--- config eval
::api_location('api_idempotency on;', 'api_idempotency_ttl 0;')
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qinvalid time "0" in "api_idempotency_ttl"\E}



=== TEST 23: configuration: api_idempotency_lock_ttl must be a time
--- http_config eval: $::HttpConfig
--- config eval
::api_location('api_idempotency on;', 'api_idempotency_lock_ttl soon;')
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qinvalid time "soon" in "api_idempotency_lock_ttl"\E}



=== TEST 24: replays, conflicts and mismatches are counted in api_metrics
--- http_config eval: $::HttpConfig
--- config eval
"    location = /metrics { api_metrics; }\n"
. ::api_location('api_idempotency on;')
--- request
GET /metrics
--- api_check
use ApiMetrics;
my $d = sub {
    my $m = scrape('/metrics');
    return map { sample($m, 'nginx_api_idempotency_total', outcome => $_) }
           qw(replayed conflict mismatch);
};
my @before = $d->();
post('{"a":1}', 'Idempotency-Key: m1') for 1 .. 3;    # 2 replays
post('{"a":2}', 'Idempotency-Key: m1');               # mismatch
my $h = start_post('m2', '{"b":1}');
post('{"b":1}', 'Idempotency-Key: m2');               # conflict
http_finish($h);
my @after = $d->();
is(join(' ', map { $after[$_] - $before[$_] } 0 .. 2), '2 1 1',
   'replayed conflict mismatch');
--- no_error_log
[error]
[alert]
