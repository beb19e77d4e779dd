#!/usr/bin/env python3
"""gen-status.py DIR SERVICES CLUSTERS: a Nagios 4 status.dat of SERVICES
services (20 per host) and a publish.conf of CLUSTERS clusters that name
only a few of them (3 components of 2-3 members each, each with a
response-time strip of its first member's rta), written to DIR.

The blocks are copies of what a real Nagios 4.4 writes (every field, in
its order), so the parser does the work it does on a real file.
"""
import os
import sys

HOST_FIELDS = """modified_attributes=0
check_command=check-host-alive
check_period=24x7
notification_period=24x7
check_interval=5.000000
retry_interval=1.000000
event_handler=
has_been_checked=1
should_be_scheduled=1
check_execution_time=0.004
check_latency=0.001
check_type=0
current_state=0
last_hard_state=0
last_event_id=0
current_event_id=0
current_problem_id=0
last_problem_id=0
plugin_output=PING OK - Packet loss = 0%, RTA = 0.05 ms
long_plugin_output=
performance_data=rta=0.050000ms;3000.000000;5000.000000;0.000000 pl=0%;80;100;0
last_check=1795610140
next_check=1795610440
check_options=0
current_attempt=1
max_attempts=10
state_type=1
last_state_change=1795600000
last_hard_state_change=1795600000
last_time_up=1795610140
last_time_down=0
last_time_unreachable=0
last_notification=0
next_notification=0
no_more_notifications=0
current_notification_number=0
current_down_notification_number=0
current_unreachable_notification_number=0
current_notification_id=0
notifications_enabled=1
problem_has_been_acknowledged=0
acknowledgement_type=0
active_checks_enabled=1
passive_checks_enabled=1
event_handler_enabled=1
flap_detection_enabled=1
process_performance_data=1
obsess=1
last_update=1795610145
is_flapping=0
percent_state_change=0.00
scheduled_downtime_depth=0
"""

SERVICE_FIELDS = HOST_FIELDS.replace(
    "check_command=check-host-alive", "check_command=check_mailstatus!-w 10 -c 20").replace(
    "plugin_output=PING OK - Packet loss = 0%, RTA = 0.05 ms",
    "plugin_output=MAILQ OK - 3 messages in the queue, oldest 42s") + \
    "current_warning_notification_number=0\ncurrent_critical_notification_number=0\n" \
    "current_unknown_notification_number=0\nlast_time_ok=1795610140\nlast_time_warning=0\n" \
    "last_time_unknown=0\nlast_time_critical=0\n"


def block(kind, names, fields):
    lines = [kind + " {"] + ["\t" + n for n in names] + \
            ["\t" + f for f in fields.rstrip("\n").split("\n")] + ["\t}", ""]
    return "\n".join(lines) + "\n"


def main():
    out, services, clusters = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    per_host = 20
    hosts = (services + per_host - 1) // per_host
    # clusters name members spread over the whole file
    stride = max(1, services // (clusters * 8))
    with open(os.path.join(out, "status.dat"), "w") as f:
        f.write("########################################\n#          NAGIOS STATUS FILE\n"
                "########################################\n\n")
        f.write("info {\n\tcreated=1795610145\n\tversion=4.4.6\n\t}\n\n")
        f.write("programstatus {\n\tnagios_pid=1\n\tdaemon_mode=1\n\t}\n\n")
        for h in range(hosts):
            f.write(block("hoststatus", ["host_name=host%05d.example.net" % h], HOST_FIELDS))
        for s in range(services):
            h = s // per_host
            names = ["host_name=host%05d.example.net" % h,
                     "service_description=service-%02d" % (s % per_host)]
            fields = SERVICE_FIELDS
            if s % (stride * 7) == 0:	# some members fail, so clusters have news
                fields = fields.replace("current_state=0", "current_state=2").replace(
                    "last_hard_state=0", "last_hard_state=2")
            f.write(block("servicestatus", names, fields))
    with open(os.path.join(out, "publish.conf"), "w") as f:
        f.write("[publisher]\ntitle = Bench Status\nbase_url = https://status.example.com/\n"
                "output_dir = www\nstore = publish.db\nsource = statusdat:status.dat\n"
                "hold_down = 0\nstale_after = 0\n\n")
        n = 0
        for c in range(clusters):
            f.write("[cluster c%02d]\nname = Cluster %d\nservice = Service %d\n\n" % (c, c, c % 5))
            for comp in range(3):
                f.write("[component c%02d k%d]\nname = Component %d\n" % (c, comp, comp))
                for m in range(2 + comp % 2):
                    s = (n * stride) % services
                    n += 1
                    f.write("member = host%05d.example.net!service-%02d = Server %d\n"
                            % (s // per_host, s % per_host, m + 1))
                    if m == 0:	# a response-time strip per component
                        f.write("metric = host%05d.example.net!service-%02d:rta\n"
                                % (s // per_host, s % per_host))
                f.write("\n")


if __name__ == "__main__":
    main()
