import SpuntaProtocol

/// Who may cancel what (annullamento). A device may void its own ops, and the accepted ops of other devices
/// that lie in its own scope (the co-teacher's mark of the same class, the other door's scan at the same site, a
/// boarding on the same route) — never an op outside its scope, whoever recorded it. The operator (the office,
/// through the server) may void any fact.
///
/// The rule reads only the void's device and the target as stored, so the answer is the same whether the void
/// is checked when it is pushed (target already there) or when its target arrives later (void held till then).
enum VoidRule {
    /// Why the device `voider` (with `scope`, nil when the server does not know the device) may not void
    /// `target`, or nil when it may.
    static func problem(voider: String, scope: DeviceScope?, target: StoredOp) -> OpValidator.Problem? {
        if target.type == .void {
            return OpValidator.Problem(code: "invalid_void", message: "Non si annulla un annullamento: registrare di nuovo il fatto.")
        }
        // The office was alerted when the ride was closed with children aboard: that cannot be taken back.
        if target.type == .rideClosed {
            return OpValidator.Problem(code: "invalid_void", message: "La fine corsa non si annulla: l'ufficio ne è già stato avvisato.")
        }
        // The office's own voids (a fact moved to its right day) are made by the server, never pushed: a device
        // cannot claim the operator's id (`device_mismatch`).
        if target.deviceId == voider || voider == OperatorOps.deviceID { return nil }
        let inScope = scope.map { scope in
            target.siteId.map(scope.siteIDs.contains) ?? false || target.classId.map(scope.classIDs.contains) ?? false
                || target.routeId.map(scope.routeIDs.contains) ?? false
        } ?? false
        guard inScope else {
            return OpValidator.Problem(
                code: WireErrorCode.outOfScope,
                message: "L'operazione da annullare (\(target.type.italian), di un altro dispositivo) non è nell'ambito di questo dispositivo: non annullata."
            )
        }
        if target.mergeStatus == .rejected {
            return OpValidator.Problem(
                code: "invalid_void",
                message: "L'operazione da annullare era stata rifiutata dal server: non c'è nulla da annullare."
            )
        }
        return nil
    }
}
