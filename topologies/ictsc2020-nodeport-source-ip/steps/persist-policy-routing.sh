# lb's policy routing, run by the distribution's network configuration at boot
# (e.g. `post-up` lines in /etc/network/interfaces, or a networkd-dispatcher hook)
ip rule add fwmark 1 lookup 100
ip route add local 0.0.0.0/0 dev lo table 100
