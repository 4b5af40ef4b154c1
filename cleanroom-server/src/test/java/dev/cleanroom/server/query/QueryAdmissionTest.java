package dev.cleanroom.server.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import org.junit.jupiter.api.Test;

class QueryAdmissionTest {

  @Test
  void sixthConcurrentQueryOfOneMember_tooManyQueries() {
    QueryAdmission admission = new QueryAdmission(5);
    for (int i = 0; i < 5; i++) {
      admission.admit(1);
    }

    ServerException refused = assertThrows(ServerException.class, () -> admission.admit(1));

    assertEquals(ServerErrorCode.TOO_MANY_QUERIES, refused.code());
    assertEquals(429, refused.code().status());
  }

  @Test
  void otherMember_isNotLimitedByTheFirst() {
    QueryAdmission admission = new QueryAdmission(1);
    admission.admit(1);

    admission.admit(2).close();
  }

  @Test
  void closedSlot_admitsTheNextQuery_evenWhenClosedTwice() {
    QueryAdmission admission = new QueryAdmission(1);
    QueryAdmission.Slot slot = admission.admit(1);
    slot.close();
    slot.close();

    admission.admit(1);
    assertThrows(ServerException.class, () -> admission.admit(1));
  }

  @Test
  void sharedSlot_holdsThePlaceUntilEveryHoldIsClosed() {
    QueryAdmission admission = new QueryAdmission(1);
    QueryAdmission.Slot request = admission.admit(1);
    QueryAdmission.Slot queryThread = request.share();

    request.close();
    request.close();
    assertThrows(ServerException.class, () -> admission.admit(1));

    queryThread.close();
    admission.admit(1);
  }

  @Test
  void closedSlot_cannotBeShared() {
    QueryAdmission.Slot slot = new QueryAdmission(1).admit(1);
    slot.close();

    assertThrows(IllegalStateException.class, slot::share);
  }

  @Test
  void limitBelowOne_refusedAtConstruction() {
    assertThrows(IllegalArgumentException.class, () -> new QueryAdmission(0));
  }
}
