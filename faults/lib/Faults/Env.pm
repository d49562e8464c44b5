package Faults::Env;

# The private Redis and nginx of one fault scenario, and what the suite
# reads from them: worker pids, worker RSS, the error log.
#
# Redis goes through tools/redis (its own port, directory and socket);
# nginx is started in the foreground (daemon off, master on) as our child in
# its own process group, so Ctrl-C reaches it only through our clean-up.
# Nothing here touches a process it did not start.

use strict;
use warnings;

use IO::Select;
use IO::Socket::INET;
use POSIX qw(WNOHANG setpgid);
use Time::HiRes qw(time sleep);

sub new {
    my ($class, %o) = @_;
    my $self = bless {
        top => $o{top}, dir => $o{dir}, rport => $o{rport},
        hport => $o{hport}, module => $o{module},
        nginx => $o{nginx} || '/usr/sbin/nginx',
        redis_conf => $o{redis_conf} || [],
        master => undef,
    }, $class;
    $self->{rdir} = "$self->{dir}/redis";
    $self->{ndir} = "$self->{dir}/nginx";
    return $self;
}

# --- Redis -------------------------------------------------------------------

sub redis_start {
    my $self = shift;
    system("$self->{top}/tools/redis", 'start', $self->{rdir}, $self->{rport},
           @{ $self->{redis_conf} }) == 0
        or die "tools/redis start failed; see $self->{rdir}/redis.log\n";
    my $pid = $self->redis_pid;
    my $info = $self->redis_cmd('INFO', 'server') // '';
    my ($running) = $info =~ /^process_id:(\d+)/m;
    die "the Redis on port $self->{rport} is not ours (pid "
        . ($running // '?') . ", ours " . ($pid // '?') . ")\n"
        if !$running || !$pid || $running != $pid;
    return $pid;
}

# tools/redis start in the background; returns its pid (wait with reap()).
sub redis_start_bg {
    my $self = shift;
    my $pid = fork // die "fork: $!\n";
    if ($pid == 0) {
        exec("$self->{top}/tools/redis", 'start', $self->{rdir},
             $self->{rport}, @{ $self->{redis_conf} })
            or POSIX::_exit(127);
    }
    return $pid;
}

sub redis_stop {
    my $self = shift;
    system("$self->{top}/tools/redis", 'stop', $self->{rdir});
}

sub redis_pid {
    my $self = shift;
    open my $fh, '<', "$self->{rdir}/redis.pid" or return undef;
    my $pid = <$fh>;
    close $fh;
    return undef if !defined $pid;
    chomp $pid;
    return $pid =~ /^\d+$/ ? $pid : undef;
}

sub redis_signal {
    my ($self, $sig) = @_;
    my $pid = $self->redis_pid or die "no Redis pid\n";
    kill $sig, $pid or die "kill -$sig $pid: $!\n";
    return $pid;
}

# SIGKILL, then wait (bounded) until the process is gone.
sub redis_kill {
    my $self = shift;
    my $pid = $self->redis_signal('KILL');
    for (1 .. 200) {
        last if !kill 0, $pid;
        sleep 0.01;
    }
    return !kill 0, $pid;
}

# redis-cli, as the brief asks for fault commands; returns its output.
sub redis_cli {
    my ($self, @args) = @_;
    # bounded: a paused Redis must not hang the suite
    open my $fh, '-|', 'timeout', '10', 'redis-cli', '-h', '127.0.0.1',
                       '-p', $self->{rport}, @args
        or die "redis-cli: $!\n";
    local $/;
    my $out = <$fh>;
    close $fh;
    $out //= '';
    $out =~ s/\s+\z//;
    return $out;
}

# A redis-cli started beforehand, commands written to its stdin one line at
# a time, so the moment a command runs is known to within its round trip
# (redis-cli's own start-up, tens of ms, is not in the window):
#   my $cli = $env->redis_cli_session;
#   my ($reply, $t_sent, $t_reply) = $cli->('CLIENT KILL TYPE normal');
sub redis_cli_session {
    my $self = shift;
    require IPC::Open2;
    my ($out, $in);
    my $pid = IPC::Open2::open2($out, $in, 'redis-cli', '-h', '127.0.0.1',
                                '-p', $self->{rport});
    $in->autoflush(1);
    my $sel = IO::Select->new($out);
    my $cmd = sub {
        my $line = shift;
        if (!defined $line) {          # close the session
            close $in;
            waitpid($pid, 0);
            return;
        }
        my $t0 = time;
        print {$in} "$line\n";
        my $reply = '';
        while ($sel->can_read(3)) {
            my $n = sysread($out, $reply, 4096, length $reply);
            last if !$n || $reply =~ /\n\z/;
        }
        my $t1 = time;
        $reply =~ s/\s+\z//;
        return ($reply, $t0, $t1);
    };
    my ($pong) = $cmd->('PING');
    die "redis-cli session: PING answered '$pong'\n" if $pong ne 'PONG';
    return $cmd;
}

# One command over RESP (no fork: precise timing); undef when Redis does
# not answer within $timeout.
sub redis_cmd {
    my ($self, @args) = @_;
    my $timeout = 1;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                  PeerPort => $self->{rport},
                                  Timeout => $timeout) or return undef;
    my $req = '*' . @args . "\r\n";
    $req .= '$' . length($_) . "\r\n$_\r\n" for @args;
    print {$s} $req;
    my $sel = IO::Select->new($s);
    my $buf = '';
    my $end = time + $timeout;
    while (time < $end) {
        last if !$sel->can_read($end - time);
        my $n = sysread($s, $buf, 65536, length $buf);
        last if !$n;
        if ($buf =~ /^[+\-:](.*)\r\n/) { close $s; return $1; }
        if ($buf =~ /^\$(-?\d+)\r\n/) {
            my $len = $1;
            if ($len < 0) { close $s; return undef; }
            my $hl = length("\$$len\r\n");
            if (length($buf) >= $hl + $len + 2) {
                close $s;
                return substr($buf, $hl, $len);
            }
        }
    }
    close $s;
    return undef;
}

sub redis_ping {
    my $self = shift;
    my $r = $self->redis_cmd('PING');
    return defined $r && $r eq 'PONG';
}

# --- nginx -------------------------------------------------------------------

sub nginx_conf {
    my $self = shift;
    return "$self->{ndir}/nginx.conf";
}

sub error_log { "$_[0]{ndir}/error.log" }

sub render_conf {
    my $self = shift;
    system('mkdir', '-p', $self->{ndir}) == 0 or die "mkdir $self->{ndir}\n";
    local $ENV{API_MODULE} = $self->{module};
    local $ENV{API_LISTEN} = "127.0.0.1:$self->{hport}";
    local $ENV{API_REDIS_SERVER} = "127.0.0.1:$self->{rport}";
    local $ENV{API_RUN_DIR} = $self->{ndir};
    local $ENV{API_LOG_LEVEL} = $ENV{FAULTS_LOG_LEVEL} || 'notice';
    my $out = $self->nginx_conf;
    system("$self->{top}/tools/render-conf '$self->{top}/faults/nginx.conf' > '$out'") == 0
        or die "tools/render-conf failed\n";
    my @args = (-p => "$self->{ndir}/", -c => $out, -e => $self->error_log);
    system($self->{nginx}, '-t', '-q', @args) == 0
        or die "nginx -t failed for $out\n";
}

sub nginx_start {
    my $self = shift;
    $self->render_conf;
    my @args = (-p => "$self->{ndir}/", -c => $self->nginx_conf,
                -e => $self->error_log);
    unlink "$self->{ndir}/nginx.pid";
    my $pid = fork // die "fork: $!\n";
    if ($pid == 0) {
        setpgid(0, 0);
        delete $ENV{NGINX};       # nginx reads inherited sockets from it
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$self->{ndir}/stdout.log";
        open STDERR, '>>', "$self->{ndir}/stdout.log";
        exec($self->{nginx}, @args)
            or POSIX::_exit(127);
    }
    $self->{master} = $pid;
    my $ok;
    for (1 .. 200) {
        last if waitpid($pid, WNOHANG) == $pid;
        my @w = $self->workers;
        if (@w == 2 && $self->health == 200) {
            $ok = 1;
            last;
        }
        sleep 0.025;
    }
    if (!$ok) {
        system('tail', '-n', '20', $self->error_log);
        die "nginx did not start and answer 200 on /health (127.0.0.1:$self->{hport})\n";
    }
    return $pid;
}

sub nginx_stop {
    my $self = shift;
    my $pid = $self->{master} or return;
    kill 'QUIT', $pid;
    for my $i (1 .. 300) {
        last if waitpid($pid, WNOHANG) != 0;
        kill 'TERM', $pid if $i == 100;
        kill 'KILL', -$pid if $i == 200;
        sleep 0.02;
    }
    kill 'KILL', -$pid;
    waitpid($pid, 0);
    $self->{master} = undef;
}

sub master { $_[0]{master} }

# The children of the master (its workers, current and old).
sub workers {
    my $self = shift;
    my $master = $self->{master} or return ();
    my @pids;
    opendir my $dh, '/proc' or return ();
    for my $p (grep { /^\d+$/ } readdir $dh) {
        open my $fh, '<', "/proc/$p/stat" or next;
        my $stat = <$fh>;
        close $fh;
        next if !defined $stat;
        push @pids, $p if $stat =~ /\) \S (\d+) / && $1 == $master;
    }
    closedir $dh;
    @pids = sort { $a <=> $b } @pids;
    return @pids;
}

# "nginx: worker process is shutting down" shows in the title of an old one
sub worker_title {
    my ($self, $pid) = @_;
    open my $fh, '<', "/proc/$pid/cmdline" or return '';
    local $/;
    my $t = <$fh> // '';
    close $fh;
    $t =~ s/\0/ /g;
    return $t;
}

sub rss_kb {
    my ($self, $pid) = @_;
    open my $fh, '<', "/proc/$pid/status" or return undef;
    while (my $l = <$fh>) {
        if ($l =~ /^VmRSS:\s+(\d+)\s+kB/) { close $fh; return $1; }
    }
    close $fh;
    return undef;
}

sub health {
    my $self = shift;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                  PeerPort => $self->{hport}, Timeout => 2)
        or return 0;
    print {$s} "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    my $sel = IO::Select->new($s);
    my $buf = '';
    my $end = time + 2;
    while (time < $end && $sel->can_read($end - time)) {
        my $n = sysread($s, $buf, 65536, length $buf);
        last if !$n;
    }
    close $s;
    return $buf =~ m{^HTTP/1\.\d (\d{3})} ? $1 : 0;
}

# Lines of the error log (from byte offset $from) matching $re.
sub log_grep {
    my ($self, $re, $from) = @_;
    open my $fh, '<', $self->error_log or return ();
    seek $fh, $from || 0, 0;
    my @l = grep { $_ =~ $re } <$fh>;
    close $fh;
    chomp @l;
    return @l;
}

sub log_size { -s $_[0]->error_log || 0 }

1;
