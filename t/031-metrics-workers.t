# api_metrics with a master and 2 workers: any worker answers with the
# node's totals; counters survive nginx -s reload.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use ApiMetrics;
use Time::HiRes qw(sleep time);

repeat_each(1);
master_on();
workers(2);
worker_connections(1024);

plan tests => repeat_each() * 29;

sub worker_requests {
    my $s = shift;
    return { map { $_->{pid} => $_->{requests} } @{ $s->{workers} } };
}

run_tests();

__DATA__

=== TEST 1: 100 requests over 100 connections, both workers serve, exact totals
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    log_format pids '$pid';
--- config
    location = /metrics { api_metrics; }
    location = /status { api_status; }
    location /v1/ {
        api;
        api_collection items;
        access_log logs/v1.log pids;
    }
--- request
GET /metrics
--- api_check
seed_doc('items', 'a1', '{"x":1}');
my @pids = worker_pids();
is(scalar @pids, 2, 'two workers');
my $log = Test::Nginx::Socket::server_root() . '/logs/v1.log';
my $b = scrape();
my $sb = status_json();
my ($sent, $ok) = (0, 0);
my %served;
# batches of 25 concurrent connections until both workers have served
for my $round (1 .. 8) {
    my @res = http_many([map { ['GET', '/v1/items/a1'] } 1 .. 25]);
    $sent += 25;
    $ok += grep { ($_->{status} // '') eq '200' } @res;
    open my $fh, '<', $log or die "$log: $!";
    %served = ();
    $served{$_}++ for map { chomp; $_ } <$fh>;
    close $fh;
    last if $sent >= 100 && keys %served == 2;
}
my $sa = status_json();
my $a = scrape();
is($ok, $sent, "all $sent answered 200");
is(keys %served, 2, 'both workers served: '
   . join(', ', map { "$_: $served{$_}" } sort keys %served));
is(delta($b, $a, 'nginx_api_requests_total', location => '/v1/',
         method => 'GET', status_class => '2xx'), $sent,
   "requests_total grew by exactly $sent");
is(delta($b, $a, 'nginx_api_request_duration_seconds_count',
         location => '/v1/'), $sent, "so did the histogram's count");
is(delta($b, $a, 'nginx_api_redis_commands_total'), $sent + 2,
   'one command per GET, plus the INFO of each api_status');
my ($wb, $wa) = (worker_requests($sb), worker_requests($sa));
my $sum = 0;
$sum += $wa->{$_} - ($wb->{$_} // 0) for keys %$wa;
is($sum, $sent + 1, 'the workers\' own counts add up (+ the first status)');
is(sample($a, 'nginx_api_workers'), 2, 'both workers report');
is(sample($a, 'nginx_api_redis_connections', state => 'ready'), 4,
   '2 ready connections per worker');
is(sample($a, 'nginx_api_redis_commands_in_flight'), 0, 'none in flight');
# whichever worker answers, the totals are the same
my @v = map {
    sample(scrape(), 'nginx_api_requests_total', location => '/v1/',
           method => 'GET', status_class => '2xx')
} 1 .. 12;
is(scalar(grep { $_ != $v[0] } @v), 0, 'every scrape shows the same total');
--- response_body_like: nginx_api_requests_total
--- no_error_log
[error]
[alert]



=== TEST 2: reload: counters go on, a renamed location starts at 0
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /metrics { api_metrics; }
    location /v1/ { api; api_collection items; }
    location /x/ { api_metrics_location before_reload; return 204; }
--- request
GET /metrics
--- api_check
seed_doc('items', 'a1', '{"x":1}');
http_get('/v1/items/a1') for 1 .. 10;
http_get('/x/') for 1 .. 3;
my $b = scrape();
my $master = nginx_master_pid();
my @old = worker_pids($master);
my $conf = Test::Nginx::Socket::server_root() . '/conf/nginx.conf';
open my $in, '<', $conf or die "$conf: $!";
my $text = do { local $/; <$in> };
close $in;
$text =~ s/before_reload/after_reload/ or die 'no before_reload';
open my $out, '>', $conf or die "$conf: $!";
print $out $text;
close $out;
kill 'HUP', $master;
my $t = wait_until(5, sub {
    my @now = worker_pids($master);
    @now == 2 && !grep { my $p = $_; grep { $_ == $p } @old } @now;
});
ok(defined $t, 'new workers replaced the old ones');
wait_until(5, sub { !grep { kill 0, $_ } @old });
http_get('/v1/items/a1') for 1 .. 5;
http_get('/x/') for 1 .. 2;
my $a = scrape();
is(sample($a, 'nginx_api_reloads_total'), 1, 'one reload');
is(sample($a, 'nginx_api_metrics_reset_timestamp_seconds'),
   sample($b, 'nginx_api_metrics_reset_timestamp_seconds'),
   'the counters were not reset');
is(delta($b, $a, 'nginx_api_requests_total', location => '/v1/',
         method => 'GET', status_class => '2xx'), 5,
   'the API location kept its count and added the 5 new requests');
is(sample($a, 'nginx_api_requests_total', location => '/v1/',
          method => 'GET', status_class => '2xx'), 15, '15 in all');
is(sample($a, 'nginx_api_requests_total', location => 'after_reload',
          method => 'GET', status_class => '2xx'), 2,
   'the renamed location starts from 0');
ok(!exists $a->{'nginx_api_requests_total{location="before_reload",'
                . 'method="GET",status_class="2xx"}'},
   'the old name is not exported any more');
is(delta($b, $a, 'nginx_api_redis_commands_total'), 5,
   'the engine counters go on too');
is(sample($a, 'nginx_api_workers'), 2, 'only the new workers report');
is(sample($a, 'nginx_api_redis_connections', state => 'ready'), 4,
   'and their connections');
--- response_body_like: nginx_api_requests_total
--- no_error_log
[error]
[alert]
