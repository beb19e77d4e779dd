# publisher_replay.sh: the steps of samples/publisher/replay.sh one by one,
# for the publisher's fault tests (80-, 81-). Source it; it defines:
#
#   replay_setup CONFDIR OUTPUT_DIR STORE
#       writes CONFDIR/K.conf for each step K (1..$replay_steps): the
#       sample's publish.conf with that output_dir, store and the step's
#       status.dat; sets replay_steps, replay_import (the step that imports
#       the engine's logs), replay_maint (the step that is the maintenance
#       announcement) and replay_at[K] (each step's --now)
#   replay_step CONFDIR K OUT [ENV=VALUE...]
#       runs step K with those variables in its environment, its output
#       in the file OUT; returns its exit status. With replay_exec=exec
#       the shell becomes the publisher (in a subshell started with &,
#       $! is then the publisher's PID)
#
# Step 1 imports the months before from the sample's Nagios logs (log/:
# archives, one of them compressed, and nagios.log), steps 2-6 are
# history/0*.dat, step 7 announces Cluster B's maintenance the day
# before, step 8 runs on status.dat: the site then has posts, incidents,
# updates, maintenance, 90-day strips and every page.

: "${publish:=$top_builddir/mailstatus-publish}"
replay_sample="$top_srcdir/samples/publisher"

replay_created() { sed -n 's/^[[:space:]]*created=//p' "$1" | head -n 1; }

replay_setup() {
	_dir=$1 _www=$2 _store=$3
	_dats=("$replay_sample"/history/0*.dat "$replay_sample/status.dat")
	replay_now=$(replay_created "$replay_sample/status.dat")
	replay_import=1
	replay_maint=$((${#_dats[@]} + 1))
	replay_steps=$((replay_maint + 1))
	mkdir -p "$_dir"
	for _i in $(seq 1 "$replay_steps"); do
		if [ "$_i" -eq "$replay_import" ]; then
			_dat=${_dats[0]}
		else
			_dat=${_dats[$((_i < replay_maint ? _i - 2 : _i - 3))]}
		fi
		sed -e "s|^output_dir = .*|output_dir = $_www|" -e "s|^store = .*|store = $_store|" \
			-e "s|^source = .*|source = statusdat:$_dat|" \
			"$replay_sample/publish.conf" >"$_dir/$_i.conf"
		if [ "$_i" -eq "$replay_maint" ]; then
			replay_at[$_i]=$((replay_now - 86400))
		elif [ "$_i" -eq "$replay_steps" ]; then
			replay_at[$_i]=$((replay_now + 60))
		else
			replay_at[$_i]=$(replay_created "$_dat")
		fi
	done
}

replay_step() {
	_dir=$1 _k=$2 _out=$3
	shift 3
	if [ "$_k" -eq "$replay_import" ]; then
		${replay_exec:-} env "$@" "$publish" -c "$_dir/$_k.conf" import-history \
			--now "@${replay_at[$_k]}" "$replay_sample"/log/archives/* \
			"$replay_sample/log/nagios.log" >"$_out" 2>&1
	elif [ "$_k" -eq "$replay_maint" ]; then
		${replay_exec:-} env "$@" "$publish" -c "$_dir/$_k.conf" maintenance schedule \
			--cluster email-cluster-b --start "@$((replay_now - 1))" \
			--end "@$((replay_now + 10799))" \
			--title "Email Cluster B: storage firmware update today" \
			--message-file "$replay_sample/maintenance-b.txt" \
			--now "@${replay_at[$_k]}" >"$_out" 2>&1
	else
		${replay_exec:-} env "$@" "$publish" -c "$_dir/$_k.conf" run --now "@${replay_at[$_k]}" >"$_out" 2>&1
	fi
}
