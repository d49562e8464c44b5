package ApiTest;

# Test helpers for ngx_http_api_module suites.  Works under the CPAN
# Test::Nginx and under the bundled harness (t/lib): it only uses their
# public hooks, add_block_preprocessor and add_response_body_check.
#
# In a .t file:
#
#   use Test::Nginx::Socket;
#   use lib 't/inc';
#   use ApiTest;
#
# Two extra block sections (ignored by the harness itself):
#
#   --- api_setup      Perl code run before the block's nginx starts
#   --- api_check      Perl code run after each response; $req is the
#                      index of the request in the block (0, 1, ...),
#                      $body the response body
#
# Before every block Redis is brought back to a known state: running,
# not paused, no password, no extra ACL user, all databases empty.

use strict;
use warnings;

use Exporter 'import';
use IO::Select;
use IO::Socket::INET;
use POSIX qw(WNOHANG);
use Time::HiRes qw(sleep time);

our @EXPORT = qw(
    redis redis_start redis_stop redis_kill redis_pause redis_resume
    redis_pid redis_clients http_get http_burst nginx_master_pid
    worker_pids later error_log_like wait_until
    redis_dump seed_doc http_request http_many http_start http_finish
    before_each_block second_nginx second_nginx_stop
    $RedisPort $RedisDir $RedisSocket
);

# Every block flushes this Redis: never default to somebody's real one.
if (!$ENV{TEST_NGINX_REDIS_PORT} || !$ENV{TEST_NGINX_REDIS_DIR}) {
    print "Bail out! ApiTest needs the private Redis of `make test` "
          . "(TEST_NGINX_REDIS_PORT and TEST_NGINX_REDIS_DIR)\n";
    exit 255;
}

our $RedisPort   = $ENV{TEST_NGINX_REDIS_PORT};
our $RedisDir    = $ENV{TEST_NGINX_REDIS_DIR};
our $RedisSocket = $ENV{TEST_NGINX_REDIS_SOCKET} || "$RedisDir/redis.sock";
our $Password;

$ENV{TEST_NGINX_REDIS_SOCKET} ||= $RedisSocket;

my @children;
my @before;
my $second_pid;

# Code to run before every block of the file, after Redis is reset (a
# harness's own block preprocessors may run before ours: use this).
sub before_each_block {
    push @before, shift;
}


# --- Redis -----------------------------------------------------------------

# One command on a fresh connection; returns the decoded reply (errors come
# back as a string starting with "-").  redis({db => 3}, ...) runs it in
# another database.
sub redis {
    my @args = @_;
    my $db;
    if (ref $args[0] eq 'HASH') {
        $db = shift(@args)->{db};
    }

    my $sock = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1',
        PeerPort => $RedisPort,
        Timeout  => 3,
    ) or die "cannot connect to Redis on port $RedisPort: $!\n";

    my $out = '';
    my $skip = 0;
    if (defined $Password) {
        $out .= _resp('AUTH', $Password);
        $skip++;
    }
    if (defined $db) {
        $out .= _resp('SELECT', $db);
        $skip++;
    }
    $out .= _resp(@args);
    print $sock $out;

    _read_reply($sock) for 1 .. $skip;
    my $reply = _read_reply($sock);
    close $sock;

    return $reply;
}

sub _resp {
    my @args = @_;
    my $s = '*' . scalar(@args) . "\r\n";
    $s .= '$' . length($_) . "\r\n$_\r\n" for @args;
    return $s;
}

sub _read_line {
    my $sock = shift;
    my $line = <$sock>;
    die "Redis closed the connection\n" if !defined $line;
    $line =~ s/\r\n\z//;
    return $line;
}

sub _read_reply {
    my $sock = shift;
    my $line = _read_line($sock);
    my ($type, $rest) = (substr($line, 0, 1), substr($line, 1));

    return $rest if $type eq '+';
    return $line if $type eq '-';
    return $rest + 0 if $type eq ':';

    if ($type eq '$') {
        return undef if $rest < 0;
        my $buf = '';
        while (length($buf) < $rest + 2) {
            my $n = read($sock, $buf, $rest + 2 - length($buf), length($buf));
            die "short read from Redis\n" if !$n;
        }
        return substr($buf, 0, $rest);
    }

    if ($type eq '*') {
        return undef if $rest < 0;
        return [map { _read_reply($sock) } 1 .. $rest];
    }

    die "unexpected Redis reply: $line\n";
}

sub redis_pid {
    open my $fh, '<', "$RedisDir/redis.pid" or return undef;
    my $pid = <$fh>;
    close $fh;
    chomp $pid if defined $pid;
    return $pid;
}

sub _redis_up {
    my $ok = eval { local $Password = $Password; redis('PING') };
    return defined $ok && ($ok eq 'PONG' || $ok =~ /^-NOAUTH/);
}

sub redis_start {
    system('tools/redis', 'start', $RedisDir, $RedisPort) == 0
        or die "cannot start Redis\n";
}

sub redis_stop {
    system('tools/redis', 'stop', $RedisDir) == 0
        or die "cannot stop Redis\n";
}

sub redis_kill {
    my $pid = redis_pid() or return;
    kill 'KILL', $pid;
    for (1 .. 100) {
        last if !kill 0, $pid;
        sleep 0.02;
    }
}

sub redis_pause {
    my $pid = redis_pid() or die "no Redis pid\n";
    kill 'STOP', $pid;
}

sub redis_resume {
    my $pid = redis_pid() or return;
    kill 'CONT', $pid;
}

# CLIENT LIST lines of this module's connections ("name=ngx_http_api:<pid>")
sub redis_clients {
    my $list = redis('CLIENT', 'LIST');
    return grep { /\bname=ngx_http_api:/ } split /\n/, $list;
}

# Everything in the database as one canonical string: a test compares it
# before and after a request that must change nothing.
sub redis_dump {
    my $opt = ref $_[0] eq 'HASH' ? shift : {};
    my $keys = redis($opt, 'KEYS', '*');
    my @out;
    for my $k (sort @$keys) {
        my $type = redis($opt, 'TYPE', $k);
        my $v;
        if ($type eq 'hash') {
            my %h = @{ redis($opt, 'HGETALL', $k) };
            $v = join ' ', map { "$_=$h{$_}" } sort keys %h;
        } elsif ($type eq 'zset') {
            $v = join ' ', @{ redis($opt, 'ZRANGE', $k, 0, -1, 'WITHSCORES') };
        } elsif ($type eq 'string') {
            $v = redis($opt, 'GET', $k);
        } else {
            $v = "($type)";
        }
        push @out, "$k [$type] $v";
    }
    return join "\n", @out;
}

# Stores a document the way the module does: a hash (d, r, c, m) and the
# collection index.  seed_doc('items', 'a1', '{"x":1}', 'REV1')
sub seed_doc {
    my ($c, $id, $doc, $rev, %opt) = @_;
    my $prefix = $opt{prefix} // 'api:';
    $rev //= 'R' x 26;
    my $t = int(time * 1000);
    redis('HSET', "$prefix\{$c}:$id", 'd', $doc, 'r', $rev, 'c', $t,
          'm', $t);
    redis('ZADD', "$prefix\{$c}", 0, $id);
}

sub _raw_request {
    my ($method, $path, %opt) = @_;
    my $body = $opt{body};
    my $req = "$method $path HTTP/1.1\r\nHost: localhost\r\n"
              . "Connection: close\r\n";
    for my $h (@{ $opt{headers} || [] }) {
        $req .= "$h\r\n";
    }
    if (defined $body) {
        $req .= "Content-Length: " . length($body) . "\r\n";
    }
    $req .= "\r\n";
    $req .= $body if defined $body;
    return $req;
}

sub _parse_response {
    my $raw = shift;
    return { status => undef, headers => {}, body => '' }
        if !defined $raw || $raw eq '';
    my ($head, $body) = split /\r\n\r\n/, $raw, 2;
    my ($status) = $head =~ m{^HTTP/1\.\d (\d{3})};
    my %h;
    for my $line (split /\r\n/, $head) {
        $h{lc $1} = $2 if $line =~ /^([^:]+):\s*(.*)$/;
    }
    return { status => $status, headers => \%h, body => $body // '' };
}

# One request on its own connection; returns {status, headers, body}.
# http_request('PATCH', '/v1/items/a', body => '{}',
#              headers => ['Content-Type: application/json'])
sub http_request {
    my ($method, $path, %opt) = @_;
    return http_finish(http_start($method, $path, %opt,
                                  partial => length($opt{body} // '')));
}

# A request whose body stops after $opt{partial} bytes, on its own
# connection; http_finish($h) sends the rest (unless $opt{close}: then it
# closes the connection at once) and returns what http_request returns.
sub http_start {
    my ($method, $path, %opt) = @_;
    my $sock = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1',
        PeerPort => $opt{port} || _server_port(),
        Timeout  => $opt{timeout} || 10,
    ) or die "cannot connect to nginx: $!\n";
    my $raw = _raw_request($method, $path, %opt);
    my $cut = length($raw) - length($opt{body} // '') + ($opt{partial} || 0);
    print $sock substr($raw, 0, $cut);
    return { sock => $sock, rest => substr($raw, $cut) };
}

sub http_finish {
    my ($h, %opt) = @_;
    my $sock = $h->{sock};
    if ($opt{close}) {
        close $sock;
        return _parse_response('');
    }
    print $sock $h->{rest};
    my $raw = do { local $/; <$sock> };
    close $sock;
    return _parse_response($raw);
}

# Several requests written at once, each on its own connection, then all
# read; returns their {status, headers, body} in order.  Each request is
# [method, path, %opt]; $opt{before}/$opt{between} as in http_burst.
sub http_many {
    my ($reqs, %opt) = @_;
    my (@socks, %buf);

    $opt{before}->() if $opt{before};

    for my $r (@$reqs) {
        my ($method, $path, %ropt) = @$r;
        my $sock = IO::Socket::INET->new(
            PeerAddr => '127.0.0.1',
            PeerPort => _server_port(),
            Timeout  => 5,
        ) or die "cannot connect to nginx: $!\n";
        print $sock _raw_request($method, $path, %ropt);
        push @socks, $sock;
    }

    $opt{between}->() if $opt{between};

    my $sel = IO::Select->new(@socks);
    my %index = map { fileno($socks[$_]) => $_ } 0 .. $#socks;
    my $deadline = time + ($opt{timeout} || 10);

    while ($sel->count && time < $deadline) {
        for my $sock ($sel->can_read($deadline - time)) {
            my $i = $index{fileno($sock)};
            my $n = sysread($sock, my $chunk, 65536);
            if (!$n) {
                $sel->remove($sock);
                close $sock;
                next;
            }
            $buf{$i} .= $chunk;
        }
    }

    close $_ for $sel->handles;

    return map { _parse_response($buf{$_}) } 0 .. $#$reqs;
}

# Runs code in a child process after a delay (e.g. resume Redis later).
sub later {
    my ($delay, $code) = @_;
    my $pid = fork();
    die "fork: $!" if !defined $pid;
    if ($pid == 0) {
        sleep $delay;
        $code->();
        POSIX::_exit(0);
    }
    push @children, $pid;
    return $pid;
}

sub _reap {
    for my $pid (@children) {
        waitpid($pid, 0);
    }
    @children = ();
}

sub _reset_redis {
    second_nginx_stop();
    _reap();
    redis_resume();

    if (!_redis_up()) {
        redis_start();
    }

    if (defined $Password) {
        redis('CONFIG', 'SET', 'requirepass', '');
        undef $Password;
    }

    redis('ACL', 'DELUSER', 'apitest');

    my $ok = redis('FLUSHALL');
    die "ApiTest: cannot reset the test Redis: $ok\n" if $ok ne 'OK';
}


# --- HTTP --------------------------------------------------------------------

sub _server_port {
    return $ENV{TEST_NGINX_SERVER_PORT} || $ENV{TEST_NGINX_PORT} || 1984;
}

# A blocking GET on its own connection; returns (status, headers, body),
# the headers as a hash of lower-case names.
sub http_get {
    my ($path, %opt) = @_;
    my $res = http_request('GET', $path, timeout => 5, %opt);
    return ($res->{status}, $res->{headers}, $res->{body});
}

# Sends n GETs at once, each on its own connection, then reads them all.
# Returns the list of statuses (undef for a connection that got nothing).
# $opt{before} runs before the first request is written, $opt{between}
# after all are written and before any is read (see http_many).
sub http_burst {
    my ($n, $path, %opt) = @_;
    return map { $_->{status} }
           http_many([map { ['GET', $path] } 1 .. $n], %opt);
}

sub nginx_master_pid {
    open my $fh, '<', _servroot() . '/logs/nginx.pid' or return undef;
    my $pid = <$fh>;
    close $fh;
    chomp $pid;
    return $pid;
}

sub worker_pids {
    my $master = shift || nginx_master_pid();
    my @pids;
    opendir my $dh, '/proc' or return ();
    for my $p (grep { /^\d+$/ } readdir $dh) {
        open my $fh, '<', "/proc/$p/stat" or next;
        my $stat = <$fh>;
        close $fh;
        # pid (comm) state ppid ...
        push @pids, $p if $stat =~ /^\d+ \(.*\) \S (\d+) / && $1 == $master;
    }
    closedir $dh;
    return sort { $a <=> $b } @pids;
}


# A second nginx, with the same binary and module, for tests of what nodes
# share only through Redis.  second_nginx(http => $text, server => $text)
# starts it on its own port (returned) with its own prefix, where
# files => {name => content} go into html/; it is stopped
# by second_nginx_stop() or before the next block.
sub second_nginx {
    my %opt = @_;
    my $port = _server_port() + 100;
    my $dir = _servroot() . '-second';

    second_nginx_stop();
    system('rm', '-rf', $dir);
    mkdir $dir;
    mkdir "$dir/$_" for qw(conf logs html);

    for my $f (keys %{ $opt{files} || {} }) {
        open my $fh, '>', "$dir/html/$f" or die "$dir/html/$f: $!";
        print $fh $opt{files}{$f};
        close $fh;
    }

    my $modules = join '', map { "load_module $_;\n" }
                           split ' ', $ENV{TEST_NGINX_LOAD_MODULES} || '';
    my $http = $opt{http} // '';
    my $server = $opt{server} // '';

    open my $fh, '>', "$dir/conf/nginx.conf" or die "$dir: $!";
    print $fh <<"CONF";
$modules
daemon off;
master_process on;
worker_processes 1;
error_log logs/error.log info;
pid logs/nginx.pid;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $dir/client_body_temp;
$http
    server {
        listen 127.0.0.1:$port;
$server
    }
}
CONF
    close $fh;

    my $bin = $ENV{TEST_NGINX_BINARY} || 'nginx';
    my $pid = fork();
    die "fork: $!" if !defined $pid;
    if ($pid == 0) {
        open STDOUT, '>', '/dev/null';
        open STDERR, '>>', "$dir/logs/stderr.log";
        exec($bin, '-p', "$dir/", '-c', "$dir/conf/nginx.conf")
            or POSIX::_exit(127);
    }
    $second_pid = $pid;

    wait_until(10, sub {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                      PeerPort => $port, Timeout => 1);
        close $s if $s;
        return $s;
    }) // die "the second nginx did not start (see $dir/logs)\n";

    return $port;
}

sub second_nginx_stop {
    return if !$second_pid;
    kill 'QUIT', $second_pid;
    waitpid($second_pid, 0);
    undef $second_pid;
}

sub _servroot {
    my $root = eval { Test::Nginx::Socket::server_root() };
    return $root || $ENV{TEST_NGINX_SERVROOT} || 't/servroot';
}

# True when a line of this block's error.log matches (for multi-request
# blocks, where --- error_log would demand the line after every request).
sub error_log_like {
    my $re = shift;
    open my $fh, '<', _servroot() . '/logs/error.log' or return 0;
    while (my $line = <$fh>) {
        if ($line =~ $re) {
            close $fh;
            return 1;
        }
    }
    close $fh;
    return 0;
}

# Polls cond every 20 ms until it is true or timeout seconds passed;
# returns the seconds waited, or undef on timeout.
sub wait_until {
    my ($timeout, $cond) = @_;
    my $start = time;
    while (time - $start < $timeout) {
        return time - $start if $cond->();
        sleep 0.02;
    }
    return undef;
}


# --- hooks -------------------------------------------------------------------

sub _section {
    my ($block, $name) = @_;
    return undef if !$block->can($name);
    return $block->$name;
}

sub _run_code {
    my ($what, $block, $code, $req, $body) = @_;
    my $name = $block->name;
    local $main::req = $req;
    local $main::body = $body;
    package main;
    no strict;
    eval "#line 1 \"$name $what\"\n$code";
    die "$name - $what failed: $@" if $@;
}

Test::Nginx::Socket::add_block_preprocessor(sub {
    my $block = shift;

    _reset_redis();

    $_->($block) for @before;

    my $code = _section($block, 'api_setup');
    _run_code('api_setup', $block, $code, undef) if defined $code;
});

Test::Nginx::Socket::add_response_body_check(sub {
    my ($block, $body, $req_idx, $repeated_req_idx, $dry_run) = @_;

    return if $dry_run;

    my $code = _section($block, 'api_check');
    _run_code('api_check', $block, $code, $req_idx, $body)
        if defined $code;
});

# Leave Redis as the next file expects it: running, without a password.
END {
    second_nginx_stop();
    _reap();
    redis_resume();
    if (defined $Password) {
        eval { redis('CONFIG', 'SET', 'requirepass', '') };
        undef $Password;
    }
}

1;
