#!/usr/bin/perl
# peer-time.pl HOST PORT COUNT: the greylister's own reply time, without any
# process start in between: COUNT times connect, send one complete policy
# request (a new triplet each time, as check_greylist sends), read the reply
# up to its empty line, close. Prints the median and the mean in ms.
use strict;
use warnings;
use IO::Socket::INET;
use Time::HiRes qw(time);

my ($host, $port, $count) = @ARGV;
die "usage: peer-time.pl HOST PORT COUNT\n" unless $count && $count =~ /^\d+$/;

my @attrs = qw(request=smtpd_access_policy protocol_state=RCPT protocol_name=ESMTP
	helo_name=mailstatus-probe.example.com queue_id= recipient=probe@example.net
	recipient_count=0 client_name=unknown reverse_client_name=unknown instance=1.2.0
	sasl_method= sasl_username= sasl_sender= size=0 ccert_subject= ccert_issuer=
	ccert_fingerprint= ccert_pubkey_fingerprint= encryption_protocol= encryption_cipher=
	encryption_keysize=0 etrn_domain= stress= client_port=0 policy_context=
	server_address= server_port=25);
my @letters = split //, 'ghijklmnopqrstuvwxyz';
my @took;

for my $i (1 .. $count) {
	my $local = join '', map { $letters[int(rand(20))] } 1 .. 16;
	my $client = '192.0.2.' . (1 + $i % 254);
	my $request = join("\n", @attrs, "sender=peertime-$local\@example.com",
			   "client_address=$client") . "\n\n";
	my $start = time;
	my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Proto => 'tcp')
		or die "connect to $host:$port: $!\n";
	print $s $request;
	while (defined(my $line = <$s>)) {
		last if $line eq "\n";
	}
	close $s;
	push @took, (time - $start) * 1000;
}
my @sorted = sort { $a <=> $b } @took;
my $sum = 0;
$sum += $_ for @took;
printf "%.4f %.4f\n", $sorted[int(@sorted / 2)], $sum / @took;
