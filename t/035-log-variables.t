# The log variables, written by the log_format of conf/nginx.conf.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use Time::HiRes qw(sleep time);

repeat_each(1);

plan tests => repeat_each() * 25;

# the example log_format "api", as conf/nginx.conf has it
sub api_log_format {
    open my $fh, '<', 'conf/nginx.conf' or die "conf/nginx.conf: $!";
    my $conf = do { local $/; <$fh> };
    close $fh;
    $conf =~ /^\s*(log_format\s+api\s.*?;)/ms
        or die "no log_format api in conf/nginx.conf\n";
    return $1;
}

# Redis, and the example log_format writing logs/api.log
sub api_http_config {
    return "api_redis_server 127.0.0.1:$ENV{TEST_NGINX_REDIS_PORT};\n"
           . api_log_format() . "\naccess_log logs/api.log api;\n";
}

# the fields (name=value) of each line of logs/api.log
sub api_log {
    my $file = Test::Nginx::Socket::server_root() . '/logs/api.log';
    open my $fh, '<', $file or die "$file: $!";
    my @lines = map { my %f = /(\w+)=(\S*)/g; \%f } <$fh>;
    close $fh;
    return @lines;
}

run_tests();

__DATA__

=== TEST 1: the API's collection, operation, Redis time, error code
--- http_config eval
main::api_http_config()
--- config
    location /v1/ { api; api_collection items users; }
    location = /health { api_health; }
    location /plain/ { return 200 "plain\n"; }
--- request
GET /plain/
--- api_check
seed_doc('items', 'a1', '{"x":1}');
http_get('/v1/items/a1');
http_get('/v1/users/nope');
http_request('POST', '/v1/items', body => '{',
             headers => ['Content-Type: application/json']);
http_get('/v1/nothere/x');
http_get('/health');
my @l = api_log();
is(scalar @l, 6, 'six lines');
my ($plain, $get, $miss, $bad, $unknown, $health) = @l;
is(join(' ', map { "$_=$plain->{$_}" } qw(collection op redis_ms error key
                                         rl_remaining)),
   'collection=- op=- redis_ms=- error=- key=- rl_remaining=-',
   'a request the module did not see: all empty');
is("$get->{collection} $get->{op} $get->{error}", 'items read -',
   'GET: collection, operation, no error');
like($get->{redis_ms}, qr/^\d+\.\d{3}$/, "GET: Redis time $get->{redis_ms} ms");
is("$miss->{collection} $miss->{op} $miss->{error}", 'users read not_found',
   '404: its code');
is("$bad->{collection} $bad->{op} $bad->{error} $bad->{redis_ms}",
   'items create invalid_json -', 'a bad body: no Redis round trip');
is("$unknown->{collection} $unknown->{op} $unknown->{error}",
   '- - unknown_collection', 'an unknown collection');
is("$health->{op} $health->{error}", '- -', 'health: no operation');
like($health->{redis_ms}, qr/^\d+\.\d{3}$/, 'health: the PING round trip');
is($get->{key} . $get->{rl_remaining}, '--',
   'no API key, no rate limit (yet)');
--- response_body
plain
--- no_error_log
[error]
[alert]



=== TEST 2: $api_redis_time is the time Redis took
--- http_config eval
main::api_http_config()
--- config
    location /v1/ { api; api_collection items; }
--- request
GET /v1/items/a1
--- api_check
seed_doc('items', 'a1', '{"x":1}');
redis_pause();
later(0.3, sub { redis_resume() });
my $t0 = time;
http_request('DELETE', '/v1/items/a1');
my $took = time - $t0;
my @l = api_log();
is(scalar @l, 2, 'two lines');
is($l[1]{op}, 'delete', 'delete');
ok($l[1]{redis_ms} >= 200 && $l[1]{redis_ms} <= $took * 1000 + 1,
   "the paused round trip: $l[1]{redis_ms} ms");
--- error_code: 404
--- no_error_log
[error]
[alert]



=== TEST 3: every operation's name
--- http_config eval
main::api_http_config()
--- config
    location /v1/ { api; api_collection items; }
--- request
OPTIONS /v1/items
--- api_check
my $json = ['Content-Type: application/json'];
http_request('GET', '/v1/items');
http_request('HEAD', '/v1/items/a');
http_request('PUT', '/v1/items/a', body => '{}', headers => $json);
http_request('PATCH', '/v1/items/a', body => '{}', headers => $json);
http_request('DELETE', '/v1/items/a');
http_request('PUT', '/v1/items', body => '{}', headers => $json);
# a 405 before the body is read closes lingering: the line comes after EOF
my @l;
wait_until(3, sub { @l = api_log(); @l == 7 });
is(join(' ', map { $_->{op} } @l),
   'options list read replace update delete -', 'the operations');
is($l[-1]{error}, 'method_not_allowed', 'a method the path has not');
--- error_code: 204
--- no_error_log
[error]
[alert]
