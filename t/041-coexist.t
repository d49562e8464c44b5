# Beside every nginx module Debian ships (libnginx-mod-*, tools/deps
# installs them), in both load orders: nginx starts, the API's CRUD works,
# nchan publishes and subscribes through the same Redis, and no worker
# dies.  nchan bundles and exports hiredis 1.0.2: a module that exported
# or imported redis* bound to the other's copy, and crashed (nchan first)
# or broke nchan's Redis (ours first).
#
# Ours first is the harness's own nginx (TEST_NGINX_LOAD_MODULES, then the
# others in main_config); nchan first is an nginx of ApiCoexist's, whose
# configuration lists the modules in that order.  Both have a master and
# workers: a crash is a respawned worker and an "exited on signal".

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;
use ApiCoexist;

our @Debian = debian_modules();

# the module under valgrind or ASan loads into a wrapped nginx; the
# other modules' own reports are not ours to judge
if ($ENV{API_REAL_NGINX}) {
    plan skip_all => 'not under valgrind or ASan (Debian modules)';
}
if (!grep { m{/ngx_nchan_module\.so$} } @::Debian) {
    print "Bail out! no libnginx-mod-nchan in /etc/nginx/modules-enabled: "
          . "run tools/deps\n";
    exit 255;
}

$ENV{TEST_NGINX_DEBIAN_MODULES} = join '', map { "load_module $_;\n" }
                                           @::Debian;
our $Ours = $ENV{TEST_NGINX_LOAD_MODULES};

repeat_each(1);
master_on();
workers(2);

plan tests => repeat_each() * (4 + 18 + 21);

run_tests();

__DATA__

=== TEST 1: every Debian module is enabled, nchan among them
--- config
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- api_check
my @so = grep { !/ngx_http_api_module/ } glob '/usr/lib/nginx/modules/*.so';
my %loaded = map { $_ => 1 } @::Debian;
is(join(' ', grep { !$loaded{$_} } @so), '',
   'every module in /usr/lib/nginx/modules is loaded');
cmp_ok(scalar @::Debian, '>=', 25, scalar(@::Debian) . ' Debian modules');
--- response_body
ok



=== TEST 2: ours first, then every Debian module: CRUD, nchan, no crash
--- main_config
$TEST_NGINX_DEBIAN_MODULES
--- http_config eval: $::CoexistHttp
--- config eval: $::CoexistServer
--- request
GET /v1/items
--- api_check
coexist_check({ port => $ENV{TEST_NGINX_SERVER_PORT} || 1984,
                pid => nginx_master_pid(), workers => 2,
                error_log => Test::Nginx::Socket::server_root()
                             . '/logs/error.log' });
--- response_body chomp
{"items":[],"next_cursor":null}
--- no_error_log
[alert]
exited on signal



=== TEST 3: every Debian module, then ours: CRUD, nchan, no crash
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- api_check
my $n = coexist_nginx(modules => [@::Debian, $::Ours],
                      http => $::CoexistHttp, server => $::CoexistServer);
my $conf = do { local (@ARGV, $/) = "$n->{dir}/conf/nginx.conf"; <> };
my @order = $conf =~ /^load_module (\S+);$/mg;
is($order[-1], $::Ours, 'ours is loaded last');
is(scalar @order, @::Debian + 1, 'each Debian module once, then ours');
my ($nchan) = grep { $order[$_] =~ m{/ngx_nchan_module\.so$} } 0 .. $#order;
ok(defined $nchan && $nchan < $#order, 'nchan before it');
coexist_check($n);
--- response_body
ok
--- no_error_log
[alert]
exited on signal
