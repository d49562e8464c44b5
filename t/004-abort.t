# Clients that go away while their command is in flight are harmless.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use IO::Socket::INET;
use Time::HiRes qw(sleep time);

repeat_each(1);

plan tests => repeat_each() * 8;

run_tests();

__DATA__

=== TEST 1: 20 clients close while Redis holds their PINGs; later replies are dropped
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_timeout 5s;
--- config
    location = /health { api_health; }
--- request
GET /health
--- api_check
redis_pause();
my @socks;
for (1 .. 20) {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                  PeerPort => $ENV{TEST_NGINX_SERVER_PORT})
        or die "connect: $!";
    print $s "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";
    push @socks, $s;
}
sleep 0.3;
close $_ for @socks;
sleep 0.3;
redis_resume();
sleep 0.3;
my ($status, undef, $body) = http_get('/health');
is($status, 200, 'the next request is served');
ok(error_log_like(qr/request gone, reply will be dropped/),
   'nginx noticed the clients leaving');
ok(error_log_like(qr/reply dropped/), 'the late replies were dropped');
--- response_body_like: "status":"up"
--- no_error_log
[error]
[alert]
[crit]
