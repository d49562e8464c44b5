# The example configuration (conf/nginx.conf, what `make run` serves):
# rendered as tools/run renders it and started on its own port, it answers
# nothing as nginx's HTML; what nginx itself refuses is problem+json, and
# /metrics and /status are for this machine only.

use strict;
use warnings;

use Test::More;
use IO::Socket::INET;
use POSIX qw(WNOHANG);
use Time::HiRes qw(sleep time);
use File::Path qw(make_path remove_tree);
use Cwd qw(cwd);

my $redis_port = $ENV{TEST_NGINX_REDIS_PORT}
    or plan skip_all => 'needs the private Redis of make test';
my $module = (split ' ', $ENV{TEST_NGINX_LOAD_MODULES} // '')[0]
    or plan skip_all => 'needs TEST_NGINX_LOAD_MODULES';
my $nginx = $ENV{TEST_NGINX_BINARY} || 'nginx';
my $port = ($ENV{TEST_NGINX_SERVER_PORT} || $ENV{TEST_NGINX_PORT} || 1984)
           + 200;
my $dir = cwd() . "/t/servroot_example_$port";

remove_tree($dir);
make_path("$dir/logs");

{
    local $ENV{API_MODULE} = $module;
    local $ENV{API_LISTEN} = "127.0.0.1:$port";
    local $ENV{API_REDIS_SERVER} = "127.0.0.1:$redis_port";
    local $ENV{API_RUN_DIR} = $dir;
    system("tools/render-conf conf/nginx.conf > $dir/nginx.conf") == 0
        or BAIL_OUT('tools/render-conf failed');
}

my $pid = fork // die "fork: $!";
if ($pid == 0) {
    open STDOUT, '>', "$dir/logs/stdout.log";
    open STDERR, '>', "$dir/logs/stderr.log";
    exec($nginx, '-p', "$dir/", '-c', "$dir/nginx.conf") or POSIX::_exit(127);
}

END {
    local $?;
    if ($pid) {
        kill 'QUIT', $pid;
        my $deadline = time + 10;
        while (time < $deadline && waitpid($pid, WNOHANG) == 0) {
            sleep 0.05;
        }
        kill 'KILL', $pid if waitpid($pid, WNOHANG) == 0;
    }
}

my $up;
for (1 .. 200) {
    $up = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port", Timeout => 1);
    last if $up;
    sleep 0.05;
}
BAIL_OUT("the example nginx did not start (see $dir/logs)") unless $up;
close $up;

# One raw request on its own connection; returns (status, headers, body).
sub raw {
    my ($bytes, %opt) = @_;
    my $sock = IO::Socket::INET->new(
        PeerAddr  => "127.0.0.1:$port",
        ($opt{from} ? (LocalAddr => $opt{from}) : ()),
        Timeout   => 5,
    ) or die "connect: $!";
    print $sock $bytes;
    my $resp = '';
    my $deadline = time + 5;
    while (time < $deadline) {
        my $n = sysread($sock, my $buf, 65536);
        last unless $n;
        $resp .= $buf;
    }
    close $sock;
    my ($head, $body) = split /\r\n\r\n/, $resp, 2;
    my ($status) = ($head // '') =~ m{^HTTP/1\.\d (\d{3})};
    my %h;
    for (split /\r\n/, $head // '') {
        $h{lc $1} = $2 if /^([^:]+):\s*(.*)$/;
    }
    return ($status // 0, \%h, $body // '');
}

sub req {
    my ($line, @headers) = @_;
    return raw(join("\r\n", $line, 'Host: localhost', @headers,
                    'Connection: close', '', ''));
}

# Every case: what nginx itself refuses; expected status and code.
my @cases = (
    [ 'TRACE', 405, 'method_not_allowed', req('TRACE /v1/items HTTP/1.1') ],
    [ '%00 in the path', 400, 'bad_request',
      req('GET /v1/items/a%00b HTTP/1.1') ],
    [ 'a bad % escape', 400, 'bad_request', req('GET /%zz HTTP/1.1') ],
    [ 'a request line over 8k', 414, 'uri_too_long',
      req('GET /v1/items?' . ('a' x 9000) . ' HTTP/1.1') ],
    [ 'a header over 8k', 400, 'bad_request',
      req('GET /v1/items HTTP/1.1', 'X-Big: ' . ('b' x 9000)) ],
    [ 'a duplicated Host', 400, 'bad_request',
      req('GET /v1/items HTTP/1.1', 'Host: other') ],
    [ 'a Content-Length over 1m on /health', 413, 'body_too_large',
      req('POST /health HTTP/1.1', 'Content-Length: 2000000') ],
    [ 'a path no location serves', 404, 'not_found',
      req('GET /nothing HTTP/1.1') ],
    [ '/metrics from another address', 403, 'forbidden',
      raw("GET /metrics HTTP/1.1\r\nHost: localhost\r\n"
          . "Connection: close\r\n\r\n", from => '127.0.0.2') ],
    [ '/status from another address', 403, 'forbidden',
      raw("GET /status HTTP/1.1\r\nHost: localhost\r\n"
          . "Connection: close\r\n\r\n", from => '127.0.0.2') ],
);

plan tests => 4 * @cases + 3;

for my $c (@cases) {
    my ($what, $want, $code, $status, $h, $body) = @$c;
    is($status, $want, "$what: status");
    is($h->{'content-type'}, 'application/problem+json',
       "$what: problem+json");
    like($body, qr/^\{"type":"urn:ngx-http-api:problem:\Q$code\E",.*"status":$want,/,
         "$what: code $code");
    unlike($body, qr/<html/i, "$what: no HTML");
}

my ($status, $h) = req('GET /metrics HTTP/1.1');
is($status, 200, '/metrics from this machine');
($status) = req('GET /status HTTP/1.1');
is($status, 200, '/status from this machine');
($status, $h) = req('GET /v1/items HTTP/1.1');
is($status, 200, 'the API answers');
