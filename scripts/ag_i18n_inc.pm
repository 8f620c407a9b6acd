# ag_i18n_inc.pm - the VCS script helper library for Perl entry points, as
# provided by vigil. `use ag_i18n_inc;` (PERL5LIB holds $VCS_HOME/bin).
# The same functions and constants as ag_i18n_inc.sh; values are returned:
#   ($ret, $val) = VCSAG_GET_ATTR_VALUE("Name", -1, 1, @ARGV);
#   ($ret, $one, $two) = VCSAG_GET_MONITOR_LEVEL();
package ag_i18n_inc;

use strict;
use warnings;
use POSIX qw(strftime);
use Exporter 'import';

our $VCSAG_SUCCESS                 = 0;
our $VCSAG_FAILURE                 = 1;
our $VCSAG_RES_ONLINE              = 110;
our $VCSAG_RES_OFFLINE             = 100;
our $VCSAG_RES_UNKNOWN             = 99;
our $VCSAG_RES_INTENTIONAL_OFFLINE = 200;
our $VCSAG_EP_DONE                 = 0;
our $VCSAG_EP_FAILED               = 1;
our $VCSAG_LOG_CATEGORY            = $ENV{VCSAG_LOG_CATEGORY} // 10000;
our $VCSAG_LOG_RESOURCE_NAME       = $ENV{VCSAG_LOG_RESOURCE_NAME} // '';
our $VCSAG_LOG_SCRIPT_NAME         = $0;
our $VCSAG_LOG_AGENT_NAME          = $ENV{VCSAG_AGENT_DIR} // ($0 =~ m{^(.*)/[^/]*$} ? $1 : '.');
our $entry_point                   = $ENV{VCSAG_ENTRY_POINT} // ($0 =~ m{([^/]+)$} ? $1 : $0);
our ($VCSAG_MONITOR_LEVEL_ONE, $VCSAG_MONITOR_LEVEL_TWO) = (1, 0);

# $ag_i18n_inc::HADECRYPT is the command agents run as `$HADECRYPT $value`
# to decrypt a password attribute: $VCS_HOME/bin/vcsdecrypt decodes a token
# of `vigil encrypt` (shell-safe, so the unquoted backtick call cannot mangle
# it) and prints any other value back. VCSAG_DECRYPT($value) does the same
# without a process.
our $HADECRYPT = (defined $ENV{VCS_HOME} && -x "$ENV{VCS_HOME}/bin/vcsdecrypt")
  ? "$ENV{VCS_HOME}/bin/vcsdecrypt" : "printf '%s\\n'";

sub VCSAG_DECRYPT {
    my ($v) = @_;
    return $v unless defined $v && $v =~ m{^VGL1([A-Za-z0-9+/]*=*)$};
    require MIME::Base64;
    return MIME::Base64::decode_base64($1);
}

our @EXPORT = qw(
  $VCSAG_SUCCESS $VCSAG_FAILURE $VCSAG_RES_ONLINE $VCSAG_RES_OFFLINE $VCSAG_RES_UNKNOWN
  $VCSAG_RES_INTENTIONAL_OFFLINE $VCSAG_EP_DONE $VCSAG_EP_FAILED $VCSAG_LOG_CATEGORY
  $VCSAG_LOG_RESOURCE_NAME $VCSAG_LOG_SCRIPT_NAME $VCSAG_LOG_AGENT_NAME $entry_point
  $VCSAG_MONITOR_LEVEL_ONE $VCSAG_MONITOR_LEVEL_TWO
  VCSAG_SET_ENVS VCSAG_GET_ATTR_VALUE VCSAG_LOG_MSG VCSAG_LOGDBG_MSG VCSAG_SQUEEZE_SPACES
  VCSAG_GET_MONITOR_LEVEL VCSAG_SET_RES_EP_TIMEOUT VCSAG_DECRYPT
);

sub _isint  { my $v = shift; return defined $v && $v =~ /\A-?[0-9]+\z/; }
sub _isuint { my $v = shift; return defined $v && $v =~ /\A[0-9]+\z/; }

# VCSAG_SET_ENVS($res [, $category])
sub VCSAG_SET_ENVS {
    my ($res, $cat) = @_;
    $VCSAG_LOG_RESOURCE_NAME = $res // '';
    $VCSAG_LOG_CATEGORY = $cat if defined $cat && $cat ne '';
    $ENV{VCSAG_LOG_RESOURCE_NAME} = $VCSAG_LOG_RESOURCE_NAME;
    $ENV{VCSAG_LOG_CATEGORY}      = $VCSAG_LOG_CATEGORY;
    $ENV{VCSAG_LOG_SCRIPT_NAME}   = $VCSAG_LOG_SCRIPT_NAME;
    $ENV{VCSAG_LOG_AGENT_NAME}    = $VCSAG_LOG_AGENT_NAME;
    return $VCSAG_SUCCESS;
}

# ($ret, $val) = VCSAG_GET_ATTR_VALUE($name, [$index, [$count,]] @argv)
# Same semantics as the shell function.
sub VCSAG_GET_ATTR_VALUE {
    my ($name, @a) = @_;
    splice(@a, -1, 1, @{ $a[-1] }) if @a && ref $a[-1] eq 'ARRAY';    # ..., \@ARGV)
    return ($VCSAG_FAILURE, '') unless defined $name;
    my ($idx, $cnt) = (undef, 1);
    if (@a && _isint($a[0])) {
        $idx = shift @a;
        $cnt = shift @a if @a && _isint($a[0]);
    }
    my $i = 0;
    while ($i + 1 < @a) {
        my ($n, $c) = ($a[$i], $a[$i + 1]);
        if (!_isuint($c)) { $i++; next; }
        return ($VCSAG_FAILURE, '') if $i + 2 + $c > @a;
        if ($n eq $name) {
            my @v = @a[$i + 2 .. $i + 1 + $c];
            return ($VCSAG_SUCCESS, $c) unless defined $idx;
            if ($idx < 0) {
                return ($VCSAG_SUCCESS, '') if $c == 0;
                ($idx, $cnt) = (0, $c);
            }
            return ($VCSAG_FAILURE, '') if $idx >= $c;
            $cnt = 1 if $cnt < 1;
            my $last = $idx + $cnt - 1;
            $last = $c - 1 if $last > $c - 1;
            return ($VCSAG_SUCCESS, join(' ', @v[$idx .. $last]));
        }
        $i += 2 + $c;
    }
    return ($VCSAG_FAILURE, '');
}

sub _format {
    my ($msg, @p) = @_;
    shift @p, shift @p if @p && $p[0] eq '-encoding';
    shift @p if @p && $p[0] =~ /\A-encoding\s/;
    my $out = '';
    while (@p && $msg =~ /%s/) {
        my $pos = index($msg, '%s');
        $out .= substr($msg, 0, $pos) . shift(@p);
        $msg = substr($msg, $pos + 2);
    }
    $out .= $msg;
    $out =~ s/\r?\n|\r/ /g;
    return $out;
}

# The handle on fd 3 is opened once and kept: a handle opened with &= closes
# its descriptor when it goes away, which would lose every later record.
my $logfh;

sub _emit {
    my ($rec) = @_;
    return 0 unless ($ENV{VCSAG_LOG_FD} // '') eq '3';
    if (!$logfh) {
        open($logfh, '>>&=', 3) or return 0;
        $logfh->autoflush(1);
    }
    # fd 3 shares the pipe of stdout and stderr; RS (\036) marks a record.
    # What the entry point printed before this record goes first.
    STDOUT->flush();
    STDERR->flush();
    return print({$logfh} "\036$rec\n") ? 1 : 0;
}

sub _stderr_line {
    my ($sev, $umi, $text) = @_;
    my $type = $ENV{VCSAG_TYPE} // ($VCSAG_LOG_AGENT_NAME =~ m{([^/]+)$} ? $1 : '');
    printf STDERR "%s VCS %s %s %s:%s:%s:%s\n", strftime('%Y/%m/%d %H:%M:%S', localtime), $sev, $umi,
      $type, $VCSAG_LOG_RESOURCE_NAME, $entry_point, $text;
}

my %WORD = (C => 'CRITICAL', E => 'ERROR', W => 'WARNING', N => 'NOTICE', I => 'INFO');

# VCSAG_LOG_MSG($sev, $msg, $msgid, ['-encoding', $enc,] @params)
sub VCSAG_LOG_MSG {
    my ($sev, $msg, $id, @p) = @_;
    return $VCSAG_FAILURE unless defined $msg;
    $sev = uc($sev // 'I');
    $sev = 'I' unless exists $WORD{$sev};
    $id //= 0;
    my $text = _format($msg, @p);
    _emit("L\t$sev\t$VCSAG_LOG_CATEGORY\t$id\t$text")
      or _stderr_line($WORD{$sev}, "V-16-$VCSAG_LOG_CATEGORY-$id", $text);
    return $VCSAG_SUCCESS;
}

# VCSAG_LOGDBG_MSG($level, $msg, ['-encoding', $enc,] @params)
sub VCSAG_LOGDBG_MSG {
    my ($lvl, $msg, @p) = @_;
    return $VCSAG_FAILURE unless defined $lvl && defined $msg;
    $lvl =~ s/\ADBG_//;
    return $VCSAG_FAILURE unless _isuint($lvl);
    return $VCSAG_SUCCESS unless " " . ($ENV{VCSAG_LOGDBG} // '') . " " =~ / DBG_$lvl /;
    my $text = _format($msg, @p);
    _emit("D\t$lvl\t$VCSAG_LOG_CATEGORY\t$text") or _stderr_line("DBG_$lvl", "V-16-50-0", $text);
    return $VCSAG_SUCCESS;
}

# VCSAG_SQUEEZE_SPACES(@s): each string with leading and trailing blanks
# removed and inner runs of blanks squeezed to one space. In list context one
# result per argument; in scalar context the first.
sub VCSAG_SQUEEZE_SPACES {
    my @out = map {
        my $s = $_ // '';
        $s =~ s/\A\s+|\s+\z//g;
        $s =~ s/\s+/ /g;
        $s;
    } (@_ ? @_ : (''));
    return wantarray ? @out : $out[0];
}

# ($ret, $one, $two) = VCSAG_GET_MONITOR_LEVEL()
sub VCSAG_GET_MONITOR_LEVEL {
    my $f = $ENV{VCSAG_LEVEL_TWO_MONITOR_FREQ} // 0;
    my $c = $ENV{VCSAG_MONITOR_COUNT} // 0;
    $VCSAG_MONITOR_LEVEL_ONE = 1;
    $VCSAG_MONITOR_LEVEL_TWO = (_isuint($f) && _isuint($c) && $f > 0 && $c > 0 && $c % $f == 0) ? 1 : 0;
    return ($VCSAG_SUCCESS, $VCSAG_MONITOR_LEVEL_ONE, $VCSAG_MONITOR_LEVEL_TWO);
}

# VCSAG_SET_RES_EP_TIMEOUT($secs)
sub VCSAG_SET_RES_EP_TIMEOUT {
    my ($s) = @_;
    return $VCSAG_FAILURE unless _isuint($s) && $s > 0;
    return _emit("T\t$s") ? $VCSAG_SUCCESS : $VCSAG_FAILURE;
}

1;
