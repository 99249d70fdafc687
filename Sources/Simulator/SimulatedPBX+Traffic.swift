/// The traffic generator: Poisson call arrivals with a seeded random mix of call types,
/// ring times, talk times, hang-up sides and failures.
extension SimulatedPBX {
    /// Changes rate and mean duration (control API `POST /sim/traffic`) from `now` on.
    public func setTraffic(ratePerMinute: Double, meanDurationMs: Int64?, now: Int64) {
        var s = settings
        s.traffic.ratePerMinute = ratePerMinute < 0 ? 0 : ratePerMinute
        if let m = meanDurationMs, m > 0 { s.traffic.meanDurationMs = m }
        apply(s, now: now)
    }

    func restartTraffic(now: Int64) {
        trafficGeneration += 1
        if settings.traffic.ratePerMinute > 0 { scheduleTrafficArrival(from: clock.sim(now)) }
    }

    func scheduleTrafficArrival(from t: Int64) {
        let rate = settings.traffic.ratePerMinute
        guard rate > 0 else { return }
        let gap = Int64(random.exponential(mean: 60_000.0 / rate))
        schedule(.trafficArrival(generation: trafficGeneration), at: t + (gap > 0 ? gap : 1))
    }

    func trafficArrival(t: Int64, now: Int64) -> [SimDelivery] {
        defer { scheduleTrafficArrival(from: t) }
        let tr = settings.traffic
        var idle: [String] = []
        for e in settings.extensions where !settings.unavailableExtensions.contains(e) && derivedStatus(e) == "Idle" {
            idle.append(e)
        }
        let total = max(0, tr.internalWeight) + max(0, tr.inboundWeight) + max(0, tr.outboundWeight)
        guard total > 0 else { counters.trafficCallsSkipped += 1; return [] }
        var pick = random.below(total)
        var kind = SimCallKind.internal
        if pick >= max(0, tr.internalWeight) {
            pick -= max(0, tr.internalWeight)
            kind = pick < max(0, tr.inboundWeight) ? .inbound : .outbound
        }
        let needed = kind == .internal ? 2 : 1
        guard idle.count >= needed else { counters.trafficCallsSkipped += 1; return [] }
        let a = idle.remove(at: random.below(idle.count))
        let external = "1" + String(5_550_000 + random.below(10_000))
        var spec: SimCallSpec
        switch kind {
        case .internal: spec = SimCallSpec(kind: .internal, from: a, to: idle[random.below(idle.count)])
        case .inbound: spec = SimCallSpec(kind: .inbound, from: external, to: a)
        case .outbound: spec = SimCallSpec(kind: .outbound, from: a, to: external)
        }
        spec.hangupBy = random.below(2) == 0 ? .caller : .callee
        if random.chance(percent: tr.failPercent) {
            spec.fail = true
            spec.answerAfterMs = settings.ringTimeoutMs
        } else {
            let lo = max(0, tr.answerDelayMinMs)
            spec.answerAfterMs = random.between(lo, max(lo, tr.answerDelayMaxMs))
            let d = Int64(random.exponential(mean: Double(max(1, tr.meanDurationMs))))
            spec.durationMs = d < 1_000 ? 1_000 : d
        }
        return beginCall(spec, t: t, now: now).1
    }
}
