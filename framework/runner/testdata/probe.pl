# Probe entry point in Perl (the #! line is added by the test): the same
# output as probe.sh, through ag_i18n_inc.pm.
use strict;
use warnings;
use ag_i18n_inc;

my $out = $ENV{PROBE_OUT};
open(my $fh, '>', $out) or die "open $out: $!";
binmode $fh;
print {$fh} map { "$_\0" } @ARGV;
close $fh;
my @a = @ARGV;
shift @a;
shift @a if $entry_point eq 'clean' || $entry_point eq 'info';
splice(@a, 0, 2) if $entry_point eq 'imf_register';
open(my $q, '>', "$out.attr") or die "open $out.attr: $!";
binmode $q;
for my $spec (['Str', -1, 1], ['Int', -1, 1], ['Vec'], ['Vec', 0, 1], ['Vec', 4, 1], ['Vec', 5, 1], ['Vec', 1, 2],
    ['Key', 2, 1], ['Assoc'], ['Assoc', 1, 1], ['Empty'], ['Empty', -1, 1], ['Peer:Str', -1, 1], ['Vec', 9, 1],
    ['Missing', -1, 1], ['ACTION_ARGS'], ['ACTION_ARGS', 1, 1], ['AEPTimeout', -1, 1])
{
    my ($ret, $val) = VCSAG_GET_ATTR_VALUE(@$spec, @a);
    print {$q} "$ret\0$val\0";
}
print {$q} "$entry_point\0";
close $q;
exit($ENV{PROBE_EXIT} // 100);
