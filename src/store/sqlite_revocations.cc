// SqliteOperations: the revocation change sequence (revocation_event.h). The events are written
// by the triggers of schema migration 6, in the transaction of the revocation itself.
#include <string>
#include <vector>

#include "store/sqlite_operations.h"

namespace signet::store::sqlite {

Result<std::vector<RevocationEvent>> SqliteOperations::ListRevocationEvents(int64_t after_sequence,
                                                                            int max_events) {
  if (max_events < 1 || max_events > kMaxRevocationEventsPerRead) {
    return InvalidArgumentError("max_events must be 1.." +
                                std::to_string(kMaxRevocationEventsPerRead) + ", not " +
                                std::to_string(max_events));
  }
  SIGNET_ASSIGN_OR_RETURN(
      Statement q, db_.Prepare("SELECT sequence, kind, subject, effective_from, recorded_at "
                               "FROM revocation_events WHERE sequence > ?1 "
                               "ORDER BY sequence LIMIT ?2"));
  q.Bind(1, after_sequence).Bind(2, static_cast<int64_t>(max_events));
  std::vector<RevocationEvent> events;
  for (;;) {
    SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    RevocationEvent e;
    e.sequence = q.Int(0);
    const std::string kind = q.Text(1);
    if (kind == "job") {
      e.kind = RevocationEvent::Kind::kJob;
    } else if (kind == "profile-version") {
      e.kind = RevocationEvent::Kind::kProfileVersion;
    } else {
      return InternalError("revocation event " + std::to_string(e.sequence) +
                           " has an unknown kind \"" + kind + "\"");
    }
    e.subject = q.Text(2);
    e.effective_from = FromSeconds(q.Int(3));
    e.recorded_at = FromSeconds(q.Int(4));
    events.push_back(std::move(e));
  }
  return events;
}

Result<int64_t> SqliteOperations::LatestRevocationSequence() {
  SIGNET_ASSIGN_OR_RETURN(Statement q,
                          db_.Prepare("SELECT COALESCE(MAX(sequence), 0) FROM revocation_events"));
  SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return InternalError("MAX(sequence) returned no row");
  return q.Int(0);
}

}  // namespace signet::store::sqlite
