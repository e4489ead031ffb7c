#include "server/SseStream.h"

#include <gtest/gtest.h>

namespace sb {
namespace {

TEST(SseStream, EventsCarryIncreasingIdsNamingTheStream) {
  SseStream s(7, {});
  EXPECT_EQ(s.priming(), "id: 7-0\ndata: \n\n");
  EXPECT_EQ(s.append(R"({"a":1})"), "id: 7-1\nevent: message\ndata: {\"a\":1}\n\n");
  EXPECT_EQ(s.append("{}"), "id: 7-2\nevent: message\ndata: {}\n\n");
  EXPECT_EQ(s.lastSeq(), 2u);
}

TEST(SseStream, NewlinesInAMessageBecomeSeveralDataLines) {
  SseStream s(1, {});
  EXPECT_EQ(s.append("{\n}"), "id: 1-1\nevent: message\ndata: {\ndata: }\n\n");
}

TEST(SseStream, ReplayGivesExactlyTheEventsAfterTheCursor) {
  SseStream s(1, {});
  std::vector<std::string> sent;
  sent.reserve(5);
  for (int i = 0; i < 5; ++i) sent.push_back(s.append(std::to_string(i)));
  auto r = s.replayAfter(2);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->gap);
  EXPECT_EQ(r->events, std::vector<std::string>(sent.begin() + 2, sent.end()));
  EXPECT_TRUE(s.replayAfter(5)->events.empty());
  EXPECT_EQ(s.replayAfter(0)->events.size(), 5u);  // from the priming event
  EXPECT_FALSE(s.replayAfter(6));                  // never handed out
}

TEST(SseStream, OldEventsAreForgottenBeyondTheBoundsAndReplayReportsTheGap) {
  SseStream byCount(1, {.maxEvents = 3});
  for (int i = 0; i < 10; ++i) byCount.append(std::to_string(i));
  auto r = byCount.replayAfter(2);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->gap);
  ASSERT_EQ(r->events.size(), 3u);
  EXPECT_EQ(r->events.front().substr(0, 8), "id: 1-8\n");
  EXPECT_FALSE(byCount.replayAfter(7)->gap);

  SseStream byBytes(2, {.maxBytes = 100});
  std::string big(300, 'x');
  byBytes.append("1");
  byBytes.append(big);  // over the bound alone: kept, as the newest event always is
  EXPECT_EQ(byBytes.replayAfter(0)->events.size(), 1u);
  EXPECT_GT(byBytes.bytes(), 300u);
  byBytes.append("3");
  EXPECT_LT(byBytes.bytes(), 100u);
}

TEST(SseStream, EventIdsParseOnlyInTheirOwnForm) {
  auto id = parseSseEventId("12-345");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->stream, 12u);
  EXPECT_EQ(id->seq, 345u);
  for (const char* bad :
       {"", "12", "-1", "1-", "a-1", "1-b", "1-2-3", "1 -2", "99999999999999999999-1"})
    EXPECT_FALSE(parseSseEventId(bad)) << bad;
}

}  // namespace
}  // namespace sb
