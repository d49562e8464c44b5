# api_openapi: the OpenAPI 3.1 document of the server's api, api_keys and
# api_health locations, served with an ETag; it passes `redocly lint`
# and swagger-parser's validation (the npm tools tools/deps installs).

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use Digest::MD5 qw(md5_hex);
use File::Temp qw(tempfile);
use IO::Socket::INET;
use JSON::PP;

repeat_each(1);

plan tests => repeat_each() * (31 + 17 + 5 + 2 + 2 + 3);

no_shuffle();

# the codes README's tables list: every one must be in the document
# (the code cells of rows with a status cell, and "NNN `code`")
sub readme_codes {
    open my $fh, '<', 'README.md' or die "README.md: $!";
    my %c;
    while (my $line = <$fh>) {
        next if $line !~ /^\|/;
        my @cell = split /\s*\|\s*/, $line;
        my @found = $line =~ /\b\d{3} `([a-z0-9_]+)`/g;
        push @found, $cell[1] =~ /`([a-z0-9_]+)`/g
            if ($cell[2] // '') =~ /^\d{3}$/;
        push @found, $cell[2] =~ /`([a-z0-9_]+)`/g
            if ($cell[1] // '') =~ /^\d{3}$/;
        # directives named in those rows are no codes
        $c{$_} = 1 for grep { !/^api_(health|redis)_/ } @found;
    }
    return sort keys %c;
}

sub codes_of {
    my $d = shift;
    return map { $_ => 1 }
        @{ $d->{components}{schemas}{Problem}{properties}{code}{enum} };
}

sub statuses {
    my $op = shift;
    return join ',', sort keys %{ $op->{responses} };
}

sub lint {
    my $doc = shift;
    my ($fh, $f) = tempfile(SUFFIX => '.json', UNLINK => 1, TMPDIR => 1);
    print $fh $doc;
    close $fh;
    my $redocly = 'tools/npm/node_modules/.bin/redocly';
    die "$redocly is missing: run tools/deps\n" if !-x $redocly;
    my $out = `$redocly lint --config tools/redocly.yaml $f 2>&1`;
    is($?, 0, 'redocly lint exits 0') or diag($out);
    like($out, qr/Your API description is valid/, 'with no warning')
        or diag($out);
    $out = `tools/openapi-validate $f 2>&1`;
    is($?, 0, 'swagger-parser validates it') or diag($out);
}

# GET on another address of the same port (another server{})
sub get_on {
    my ($addr, $path) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => $addr,
                                  PeerPort => $ENV{TEST_NGINX_SERVER_PORT}
                                              || $ENV{TEST_NGINX_PORT}
                                              || 1984,
                                  Timeout => 5)
        or die "connect $addr: $!";
    print $s "GET $path HTTP/1.0\r\nHost: x\r\n\r\n";
    my $raw = do { local $/; <$s> };
    my (undef, $body) = split /\r\n\r\n/, $raw, 2;
    return $body;
}

run_tests();

__DATA__

=== TEST 1: every location, operation, status, header and scheme
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $binary_remote_addr zone=z:1m rate=10r/s;
--- config
    location = /openapi.json { api_openapi; }
    location = /health { api_health; }
    location = /live { api_health live; }
    location ~ ^/re/ { api_health live; }
    location /static/ { return 200; }
    location /v1/ {
        api;
        api_collection items users;
        api_idempotency required;
        api_limit_req zone=z burst=5;
    }
    location /private/ {
        api;
        api_collection items;
        api_key on;
        api_key_scope shop;
    }
    location /hdr/ {
        api;
        api_collection docs;
        api_key on;
        api_key_header X-Api-Key;
    }
    location /admin/keys/ { api_keys; }
--- request
GET /openapi.json
--- api_check
my $d = decode_json($body);
is($d->{openapi}, '3.1.0', 'OpenAPI 3.1');
is(join(' ', sort keys %{ $d->{paths} }),
   '/admin/keys/ /admin/keys/{name} /hdr/docs /hdr/docs/{id} /health '
   . '/live /openapi.json /private/items /private/items/{id} /v1/items '
   . '/v1/items/{id} /v1/users /v1/users/{id}',
   'the paths of every api, api_keys, api_health, api_openapi location');
my $post = $d->{paths}{'/v1/items'}{post};
is(statuses($post), '201,400,404,409,413,415,422,429,500,503,504',
   'POST: README\'s statuses, idempotency\'s, the limit\'s');
is($post->{responses}{429}{description},
   'Over a rate limit (rate_limited): "z";q=10;w=1, burst 5.',
   'the 429 names the limit');
my ($ik) = grep { $_->{name} eq 'Idempotency-Key' }
           @{ $post->{parameters} || [] };
ok($ik && $ik->{required}, 'api_idempotency required: a required header');
is_deeply($post->{security}, [], 'no api_key: no security');
is(join(',', sort keys %{ $post->{responses}{201}{headers} }),
   'ETag,Idempotent-Replayed,Location,RateLimit,RateLimit-Policy',
   '201 headers');
my $get = $d->{paths}{'/v1/items/{id}'}{get};
is(statuses($get), '200,304,400,404,429,500,503,504', 'GET statuses');
is(join(',', map { $_->{'$ref'} } @{ $get->{parameters} }),
   '#/components/parameters/IfNoneMatch', 'GET takes If-None-Match');
is_deeply($d->{paths}{'/private/items/{id}'}{patch}{security},
          [{ bearer => ['write'] }, { bearer => ['write:shop'] }],
          'PATCH needs write or write:<api_key_scope>');
is(statuses($d->{paths}{'/private/items/{id}'}{delete}),
   '204,400,401,403,404,412,500,503,504', 'DELETE behind a key');
is_deeply($d->{paths}{'/hdr/docs'}{get}{security},
          [{ 'key_X-Api-Key' => ['read'] },
           { 'key_X-Api-Key' => ['read:docs'] }],
          'read or read:<collection>, in api_key_header');
is($d->{components}{securitySchemes}{'key_X-Api-Key'}{name}, 'X-Api-Key',
   'an apiKey scheme for api_key_header');
is($d->{components}{securitySchemes}{bearer}{scheme}, 'bearer',
   'a bearer scheme for Authorization');
is(statuses($d->{paths}{'/admin/keys/'}{post}),
   '201,400,409,413,415,500,503,504', 'key creation');
is(statuses($d->{paths}{'/health'}{get}), '200,500,503,504', 'readiness');
is($d->{paths}{'/live'}{get}{responses}{200}{content}{'application/json'}
     {schema}{required}[0], 'status', 'liveness body');
my %codes = codes_of($d);
my @readme = readme_codes();
ok(@readme >= 35, scalar(@readme) . ' codes in README');
is(join(',', grep { !$codes{$_} } @readme), '',
   'every code of README is in the problem schema');
is($d->{paths}{'/v1/items'}{get}{responses}{200}{content}
     {'application/json'}{schema}{properties}{items}{items}{'$ref'},
   '#/components/schemas/v1_items_document', 'a list holds documents');
is_deeply($d->{components}{schemas}{v1_items}, { type => 'object' },
          'a collection without a schema is any object');
lint($body);
--- response_headers
Content-Type: application/json
Cache-Control: no-cache
--- raw_response_headers_like: ETag: "[0-9a-f]{32}"\r\n
--- response_body_like: ^\{"openapi":"3\.1\.0"
--- no_error_log
[error]
[alert]



=== TEST 2: ETag, If-None-Match, HEAD, other methods
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /openapi.json { api_openapi; }
    location /v1/ { api; api_collection items; }
--- request
GET /openapi.json
--- api_check
my $r1 = http_request('GET', '/openapi.json');
my $e = $r1->{headers}{etag};
like($e, qr/^"[0-9a-f]{32}"$/, 'a strong ETag');
is(substr($e, 1, 32), md5_hex($r1->{body}), 'the MD5 of the document');
my $r = http_request('GET', '/openapi.json',
                     headers => ["If-None-Match: $e"]);
is($r->{status}, 304, 'If-None-Match with it: 304');
is($r->{body}, '', 'no body');
is($r->{headers}{etag}, $e, 'the ETag again');
$r = http_request('GET', '/openapi.json',
                  headers => ["If-None-Match: \"x\", W/$e"]);
is($r->{status}, 304, 'weak comparison, in a list');
$r = http_request('GET', '/openapi.json',
                  headers => ['If-None-Match: "other"']);
is($r->{status}, 200, 'another tag: 200');
is($r->{body}, $r1->{body}, 'the same document');
$r = http_request('HEAD', '/openapi.json');
is($r->{status} . ' ' . $r->{body}, '200 ', 'HEAD: no body');
is($r->{headers}{'content-length'}, length($r1->{body}), 'its length');
$r = http_request('POST', '/openapi.json', body => '{}');
is($r->{status}, 405, 'POST: 405');
is($r->{headers}{allow}, 'GET, HEAD', 'Allow');
like($r->{headers}{'content-type'}, qr{^application/problem\+json},
     'a problem');
--- response_body_like: "/v1/items/\{id\}"
--- no_error_log
[error]
[alert]



=== TEST 3: each server{} has its own document
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    server {
        listen 127.0.0.2:$TEST_NGINX_SERVER_PORT;
        location = /spec { api_openapi; }
        location /o/ { api; api_collection things; }
    }
--- config
    location = /openapi.json { api_openapi; }
    location /v1/ { api; api_collection items; }
--- request
GET /openapi.json
--- api_check
is(join(' ', sort keys %{ decode_json($body)->{paths} }),
   '/openapi.json /v1/items /v1/items/{id}', 'this server');
is(join(' ', sort keys %{ decode_json(get_on('127.0.0.2', '/spec'))
                              ->{paths} }),
   '/o/things /o/things/{id} /spec', 'the other server');
--- no_error_log
[error]
[alert]



=== TEST 4: api_openapi needs a path
--- config
    location ~ ^/spec { api_openapi; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Q"api_openapi" needs a location with a path\E}



=== TEST 5: twice
--- config
    location = /spec { api_openapi; api_openapi; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Q"api_openapi" directive is duplicate\E}



=== TEST 6: a document of nothing but itself
--- config
    location = /spec { api_openapi; }
--- request
GET /spec
--- response_body_like: "paths":\{"/spec":
--- no_error_log
[error]
