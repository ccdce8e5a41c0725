# A Godot 3 NetworkedMultiplayerENet peer for @x/enet's interop tests.
#
#   godot3-server --no-window --path godot_project -s godot_peer.gd -- role=server port=P mode=M [deadline=S] [quit_after=N]
#   godot3-server --no-window --path godot_project -s godot_peer.gd -- role=client host=H port=P mode=M plan=PLAN [deadline=S]
#
# mode: none, range_coder, fastlz, zlib or zstd (NetworkedMultiplayerENet.compression_mode).
# The server echoes every packet back to its sender: channel 1 as reliable, channel 2 as
# unreliable. The client sends the packets of PLAN (comma separated: r = reliable,
# u = unreliable, o = unreliable ordered, upper case for a compressible payload,
# followed by a size in bytes; packet i is seeded with i + 1), checks what comes back
# and prints a result line.
# Every line on stdout is one JSON object; both roles exit by themselves at the deadline.
extends SceneTree

const MODES = {"none": 0, "range_coder": 1, "fastlz": 2, "zlib": 3, "zstd": 4}
const SYSCH_RELIABLE = 1
const SYSCH_UNRELIABLE = 2
const SERVER_ID = 1

var args = {}
var enet = null
var deadline_ms = 0
var disconnects = 0
var failed = false


func _init():
	for arg in OS.get_cmdline_args():
		var eq = arg.find("=")
		if eq > 0:
			args[arg.substr(0, eq)] = arg.substr(eq + 1, arg.length() - eq - 1)
	deadline_ms = OS.get_ticks_msec() + int(float(args.get("deadline", "20")) * 1000.0)
	var mode_name = args.get("mode", "none")
	if not MODES.has(mode_name):
		emit({"event": "error", "message": "unknown mode " + mode_name})
		end_with(2)
		return
	enet = NetworkedMultiplayerENet.new()
	enet.compression_mode = MODES[mode_name]
	enet.connect("peer_connected", self, "_on_peer_connected")
	enet.connect("peer_disconnected", self, "_on_peer_disconnected")
	enet.connect("connection_succeeded", self, "_on_connection_succeeded")
	enet.connect("connection_failed", self, "_on_connection_failed")
	enet.connect("server_disconnected", self, "_on_server_disconnected")
	var role = args.get("role", "")
	if role == "server":
		end_with(run_server())
	elif role == "client":
		end_with(run_client())
	else:
		emit({"event": "error", "message": "role must be server or client"})
		end_with(2)


func end_with(code):
	emit({"event": "exit", "code": code})
	OS.exit_code = code
	quit()


func emit(line):
	print(to_json(line))


func timed_out():
	return OS.get_ticks_msec() >= deadline_ms


func run_server():
	var port = int(args.get("port", "0"))
	var quit_after = int(args.get("quit_after", "0"))
	var err = enet.create_server(port, 8)
	if err != OK:
		emit({"event": "error", "message": "create_server failed", "code": err})
		return 1
	emit({"event": "listening", "port": port})
	while not timed_out():
		enet.poll()
		while enet.get_available_packet_count() > 0:
			var from = enet.get_packet_peer()
			var channel = enet.get_packet_channel()
			var data = enet.get_packet()
			emit({
				"event": "receive", "from": from, "channel": channel,
				"length": data.size(), "hash": fnv1a(data),
			})
			enet.set_target_peer(from)
			if channel == SYSCH_RELIABLE:
				enet.transfer_mode = NetworkedMultiplayerPeer.TRANSFER_MODE_RELIABLE
			else:
				enet.transfer_mode = NetworkedMultiplayerPeer.TRANSFER_MODE_UNRELIABLE
			err = enet.put_packet(data)
			if err != OK:
				emit({"event": "error", "message": "put_packet failed", "code": err})
		if quit_after > 0 and disconnects >= quit_after:
			enet.close_connection()
			return 0
		OS.delay_msec(1)
	emit({"event": "timeout"})
	enet.close_connection()
	return 0


func run_client():
	var plan = parse_plan(args.get("plan", ""))
	if plan.empty():
		emit({"event": "error", "message": "empty or invalid plan"})
		return 2
	var err = enet.create_client(args.get("host", "127.0.0.1"), int(args.get("port", "0")))
	if err != OK:
		emit({"event": "error", "message": "create_client failed", "code": err})
		return 1
	emit({"event": "connecting", "id": enet.get_unique_id()})
	var expected = {}
	var sent = false
	var matched = 0
	var unexpected = 0
	var wrong_source = 0
	while not timed_out() and not failed:
		enet.poll()
		if failed:
			break
		if not sent and enet.get_connection_status() == NetworkedMultiplayerPeer.CONNECTION_CONNECTED:
			sent = true
			for i in range(plan.size()):
				var item = plan[i]
				var data = plan_payload(item, i + 1)
				var channel = SYSCH_RELIABLE if item.kind == "r" else SYSCH_UNRELIABLE
				var key = "%d:%d:%d" % [channel, data.size(), fnv1a(data)]
				expected[key] = expected.get(key, 0) + 1
				enet.set_target_peer(SERVER_ID)
				enet.transfer_mode = item.transfer
				err = enet.put_packet(data)
				if err != OK:
					emit({"event": "error", "message": "put_packet failed", "code": err})
			emit({"event": "sent", "count": plan.size()})
		while enet.get_available_packet_count() > 0:
			var from = enet.get_packet_peer()
			var channel = enet.get_packet_channel()
			var data = enet.get_packet()
			var key = "%d:%d:%d" % [channel, data.size(), fnv1a(data)]
			if from != SERVER_ID:
				wrong_source += 1
			if expected.get(key, 0) > 0:
				expected[key] -= 1
				matched += 1
			else:
				unexpected += 1
			emit({
				"event": "receive", "from": from, "channel": channel,
				"length": data.size(), "hash": fnv1a(data),
			})
		if sent and matched == plan.size():
			break
		OS.delay_msec(1)
	var ok = sent and matched == plan.size() and unexpected == 0 and wrong_source == 0
	var missing = []
	for key in expected:
		for _i in range(expected[key]):
			missing.append(key)
	emit({
		"event": "result", "pass": ok, "sent": plan.size() if sent else 0, "matched": matched,
		"unexpected": unexpected, "wrong_source": wrong_source, "timed_out": timed_out(), "missing": missing,
	})
	if enet.get_connection_status() != NetworkedMultiplayerPeer.CONNECTION_DISCONNECTED:
		enet.close_connection()
	return 0 if ok else 1


func parse_plan(text):
	var plan = []
	for part in text.split(",", false):
		var letter = part.substr(0, 1)
		var kind = letter.to_lower()
		var size = part.substr(1, part.length() - 1)
		if not size.is_valid_integer():
			return []
		var transfer
		if kind == "r":
			transfer = NetworkedMultiplayerPeer.TRANSFER_MODE_RELIABLE
		elif kind == "u":
			transfer = NetworkedMultiplayerPeer.TRANSFER_MODE_UNRELIABLE
		elif kind == "o":
			transfer = NetworkedMultiplayerPeer.TRANSFER_MODE_UNRELIABLE_ORDERED
		else:
			return []
		plan.append({
			"kind": kind, "size": int(size), "transfer": transfer, "compressible": letter != kind,
		})
	return plan


# The seeded payload of the TypeScript tests: an xorshift32 stream started from
# seed ^ 0xA5A5A5A5 (1 if that is 0); byte i is byte i % 4 (low first) of the state
# after i / 4 + 1 steps.
func payload(size, start):
	var out = PoolByteArray()
	out.resize(size)
	var x = (start ^ 0xA5A5A5A5) & 0xFFFFFFFF
	if x == 0:
		x = 1
	for i in range(size):
		var shift = i & 3
		if shift == 0:
			x ^= (x << 13) & 0xFFFFFFFF
			x ^= x >> 17
			x ^= (x << 5) & 0xFFFFFFFF
		out[i] = (x >> (8 * shift)) & 0xFF
	return out


# A compressible payload (upper case plan letters) spends 8 bytes on each of 16 letters
# drawn from the seeded stream.
func plan_payload(item, start):
	if not item.compressible:
		return payload(item.size, start)
	var letters = payload((item.size + 7) >> 3, start)
	var out = PoolByteArray()
	out.resize(item.size)
	for i in range(item.size):
		out[i] = 0x41 + (letters[i >> 3] & 15)
	return out


# FNV-1a, 32 bits.
func fnv1a(bytes):
	var h = 0x811C9DC5
	for b in bytes:
		h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
	return h


func _on_peer_connected(id):
	emit({"event": "connect", "id": id})


func _on_peer_disconnected(id):
	disconnects += 1
	emit({"event": "disconnect", "id": id})


func _on_connection_succeeded():
	emit({"event": "connected", "id": enet.get_unique_id()})


func _on_connection_failed():
	failed = true
	emit({"event": "connection_failed"})


func _on_server_disconnected():
	failed = true
	emit({"event": "server_disconnected"})
