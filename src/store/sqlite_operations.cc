#include "store/sqlite_operations.h"

namespace signet::store::sqlite {

Status SqliteOperations::Atomically(const std::function<Status()>& write) {
  // Savepoints nest, so this works both inside an enclosing transaction and inside another
  // Atomically; ROLLBACK TO undoes only this write.
  SIGNET_RETURN_IF_ERROR(db_.Run("SAVEPOINT store_write"));
  Status s = write();
  if (s.ok()) {
    s = db_.Run("RELEASE store_write");
    if (s.ok()) return s;
  }
  Status undo = db_.Run("ROLLBACK TO store_write");
  if (undo.ok()) undo = db_.Run("RELEASE store_write");
  if (!undo.ok()) {
    // The enclosing transaction can no longer be trusted to be clean: fail it as a whole.
    broken_ = true;
    return InternalError(s.message() +
                         "; and undoing the failed write failed too: " + undo.message());
  }
  return s;
}

}  // namespace signet::store::sqlite
