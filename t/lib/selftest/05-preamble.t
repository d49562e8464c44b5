# Self-test: preamble API and the generated nginx.conf (captured from
# --- init, which runs after nginx has started), TEST_NGINX_LOAD_MODULES
# placement before --- main_config.

my $stream_so;
BEGIN {
    $ENV{TEST_NGINX_RANDOMIZE} //= 1;
    # The listen port is random: a stale port from the caller would be wrong.
    delete $ENV{TEST_NGINX_SERVER_PORT} if $ENV{TEST_NGINX_RANDOMIZE};
    $ENV{TEST_NGINX_BINARY}    //= '/usr/sbin/nginx' if -x '/usr/sbin/nginx';
    $stream_so = '/usr/lib/nginx/modules/ngx_stream_module.so';
    $ENV{TEST_NGINX_LOAD_MODULES} = $stream_so if -f $stream_so;
}

use Test::Nginx::Socket;

our $conf = '';

plan skip_all => "$stream_so not installed" unless -f $stream_so;

repeat_each(1);

# 3 + 3 from the blocks, 12 checks on the configuration afterwards.
plan tests => 6 + 12;

master_on();
workers(2);
worker_connections(128);
log_level('info');
no_root_location();
config_preamble("        add_header X-Preamble yes;\n");
env_to_nginx("SELFTEST_ENV=hello world");
no_shuffle();

run_tests();

my $root = server_root();
like($conf, qr/^worker_processes  2;$/m, 'workers()');
like($conf, qr/^master_process on;$/m, 'master_on()');
like($conf, qr/^error_log \Q$root\E\/logs\/error\.log info;$/m, 'log_level()');
like($conf, qr/^    worker_connections  128;$/m, 'worker_connections()');
like($conf, qr/^env 'SELFTEST_ENV=hello world';$/m, 'env_to_nginx() with a space');
unlike($conf, qr/location \/ \{/, 'no_root_location()');
like($conf, qr/^load_module \Q$stream_so\E;\nstream \{/m,
     'load_module lines come right before --- main_config');
like($conf, qr/^\s+listen\s+\Q$ENV{TEST_NGINX_SERVER_PORT}\E;$/m,
     'listen port exported as TEST_NGINX_SERVER_PORT');
like($conf, qr/^\s+server_name\s+'localhost';$/m, 'default server_name');
like($conf, qr/keepalive_timeout  68000ms;\s+proxy_pass_header X-Http-Config;\s+server \{/,
     '--- http_config sits in http {} before the server');
like($conf, qr/^}\n\nworker_shutdown_timeout 10s;\n/m,
     '--- post_main_config comes right after http {}');
like($conf, qr/^user root;$/m, 'user root when running as root')
    if $> == 0 && !defined $ENV{TEST_NGINX_WORKER_USER};
pass('not root: no user line expected')
    unless $> == 0 && !defined $ENV{TEST_NGINX_WORKER_USER};

__DATA__

=== TEST 1: config_preamble and --- config inside server {}
--- main_config
stream {
    server {
        listen 127.0.0.1:$TEST_NGINX_RAND_PORT_1;
        return "stream ok\n";
    }
}
--- http_config
    proxy_pass_header X-Http-Config;
--- post_main_config
worker_shutdown_timeout 10s;
--- config
    location = /t { return 200 "ok\n"; }
--- init
open my $fh, '<', $ConfFile or die $!;
$main::conf = do { local $/; <$fh> };
close $fh;
--- request
GET /t
--- response_headers
X-Preamble: yes
--- response_body
ok



=== TEST 2: second block, new nginx, same preamble
--- config
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- no_error_log
[alert]
