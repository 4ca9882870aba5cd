# SPDX-License-Identifier: LGPL-2.1-or-later
# Start and stop a private docker-registry on 127.0.0.1 for the image tests.
#   start_registry DIR [basic] [tls]   sets REG (host:port) and REG_PID
#   stop_registry

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_registry() {
	local dir=$1 auth=${2:-} tls=${3:-} port
	port=$(free_port)
	mkdir -p "$dir/data"
	{
		echo "version: 0.1"
		echo "log: {level: error, accesslog: {disabled: true}}"
		echo "storage: {filesystem: {rootdirectory: $dir/data}, delete: {enabled: true}}"
		echo "http:"
		echo "  addr: 127.0.0.1:$port"
		if [ "$tls" = tls ]; then
			echo "  tls: {certificate: $dir/server.crt, key: $dir/server.key}"
		fi
		if [ "$auth" = basic ]; then
			htpasswd -Bbn isolatest secret >"$dir/htpasswd" 2>/dev/null
			echo "auth: {htpasswd: {realm: isolatest, path: $dir/htpasswd}}"
		fi
	} >"$dir/config.yml"
	if [ "$tls" = tls ]; then
		make_certs "$dir"
	fi
	docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
	REG_PID=$!
	REG=127.0.0.1:$port
	local i
	for i in $(seq 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "# registry did not start:" >&2
	sed 's/^/# /' "$dir/registry.log" >&2
	return 1
}

make_certs() {
	local dir=$1
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=isolatest-ca \
		-keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
		-keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
	printf 'subjectAltName=IP:127.0.0.1\n' >"$dir/ext.cnf"
	openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
		-CAcreateserial -days 2 -extfile "$dir/ext.cnf" -out "$dir/server.crt" 2>/dev/null
}

stop_registry() {
	if [ -n "${REG_PID:-}" ]; then
		kill "$REG_PID" 2>/dev/null
		wait "$REG_PID" 2>/dev/null || true
		REG_PID=
	fi
	return 0
}
