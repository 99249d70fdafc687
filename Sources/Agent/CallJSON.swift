import CallModel
import EventLoop
import JSON

/// How calls, extensions and errors look in the native API. Times are ISO 8601 UTC with
/// milliseconds; absent values are `null`, so every call object has the same keys.
enum CallJSON {
    static func time(_ ms: Int64?) -> JSONValue {
        guard let ms else { return .null }
        return .string(TimeFormat.iso8601(ms: ms))
    }

    static func optional(_ s: String?) -> JSONValue {
        guard let s, !s.isEmpty else { return .null }
        return .string(s)
    }

    /// Seconds from start to end (or to `now` for a live call).
    static func durationSeconds(_ call: Call, now: Int64) -> Int64 {
        let end = call.endedAt ?? now
        return end > call.startedAt ? (end - call.startedAt) / 1000 : 0
    }

    /// Seconds since the call was answered (0 when never answered).
    static func talkSeconds(_ call: Call, now: Int64) -> Int64 {
        guard let answered = call.answeredAt else { return 0 }
        let end = call.endedAt ?? now
        return end > answered ? (end - answered) / 1000 : 0
    }

    static func call(_ call: Call, now: Int64) -> JSONValue {
        var o = JSONObject()
        o.append("id", .int(call.id.value))
        o.append("state", .string(call.state.description))
        o.append("direction", .string(call.direction.description))
        o.append("caller", optional(call.caller))
        o.append("callee", optional(call.callee))
        o.append("trunk", optional(call.trunk))
        o.append("extensions", .array(call.extensions.map { .string($0.value) }))
        o.append("parties", .array(call.parties.map { .string($0.value) }))
        o.append("pbx_ids", .array(call.pbxIDs.map { .string($0.value) }))
        o.append("trunk_id", optional(call.trunkID?.value))
        o.append("started_at", time(call.startedAt))
        o.append("answered_at", time(call.answeredAt))
        o.append("ended_at", time(call.endedAt))
        o.append("duration_s", .int(durationSeconds(call, now: now)))
        o.append("talk_s", .int(talkSeconds(call, now: now)))
        o.append("end_reason", optional(call.endReason?.description))
        o.append("end_detail", optional(call.endReason?.detail))
        o.append("hung_up_by", optional(call.hungUpBy))
        o.append("learned_from_query", .bool(call.learnedFromQuery))
        o.append("hangup_requested_at", time(call.hangupRequestedAt))
        o.append("last_report_at", time(call.lastReportAt))
        o.append("transfers", .int(call.transferCount))
        o.append("flags", .array(call.flags.map { .string($0) }))
        if let cdr = call.cdr {
            var c = JSONObject()
            c.append("time_start", optional(cdr.timeStart))
            c.append("call_from", optional(cdr.callFrom))
            c.append("call_to", optional(cdr.callTo))
            c.append("call_duration_s", cdr.callDurationSeconds.map { .int($0) } ?? .null)
            c.append("talk_duration_s", cdr.talkDurationSeconds.map { .int($0) } ?? .null)
            c.append("status", optional(cdr.status))
            c.append("type", optional(cdr.type))
            c.append("recording", optional(cdr.recording))
            o.append("cdr", .object(c))
        } else {
            o.append("cdr", .null)
        }
        return .object(o)
    }

    static func error(code: String, message: String, errno: String? = nil) -> JSONObject {
        var e = JSONObject()
        e.append("code", .string(code))
        e.append("message", .string(message))
        if let errno { e.append("errno", .string(errno)) }
        return e
    }
}
