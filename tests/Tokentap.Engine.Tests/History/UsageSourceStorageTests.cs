// The history fields of an event (source, conversation link, estimate reason) survive the chunk format and the store,
// and chunks written before they existed read back as live proxy events without a link.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.History;

public sealed class UsageSourceStorageTests
{
    private static readonly DateTime Hour = new(2026, 3, 4, 5, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Source_conversation_turn_and_reason_round_trip_through_a_chunk()
    {
        var linked = new UsageEvent
        {
            Timestamp = Hour.AddMinutes(7),
            Source = UsageSource.GeminiLog,
            ConversationId = "conv-1",
            TurnIndex = 12,
            TurnStart = Hour.AddMinutes(6).AddTicks(-3),
            Estimated = true,
            EstimatedReason = "partial",
        };
        var plain = new UsageEvent { Timestamp = Hour.AddMinutes(8) };

        var decoded = new List<StoredEvent>();
        UsageChunkCodec.Decode(UsageChunkCodec.Encode([new StoredEvent(1, linked), new StoredEvent(2, plain)]), decoded);

        var first = decoded[0].Event;
        Assert.Equal((UsageSource.GeminiLog, "conv-1", 12, "partial"), (first.Source, first.ConversationId, first.TurnIndex!.Value, first.EstimatedReason));
        Assert.Equal(Hour.AddMinutes(6).AddTicks(-3), first.TurnStart);
        Assert.Equal(DateTimeKind.Utc, first.TurnStart!.Value.Kind);
        var second = decoded[1].Event;
        Assert.Equal(UsageSource.Proxy, second.Source);
        Assert.Null(second.ConversationId);
        Assert.Null(second.TurnIndex);
        Assert.Null(second.TurnStart);
        Assert.Null(second.EstimatedReason);
    }

    [Fact]
    public void A_chunk_written_before_sources_existed_reads_back_as_Proxy()
    {
        // The chunk of UsageChunkCodecTests written by the codec before bits 28 and up existed.
        var old = Convert.FromHexString(
            "010409616E7468726F706963046375726C042F702F610272310180A0D4B6DCEABCDE1102C180A20C3C2D1E0F5A4B78698796A5B4C3D2E1F0000E9003010203");
        var decoded = new List<StoredEvent>();
        UsageChunkCodec.Decode(old, decoded);

        var e = Assert.Single(decoded).Event;
        Assert.Equal(UsageSource.Proxy, e.Source);
        Assert.Null(e.ConversationId);
        Assert.Null(e.TurnIndex);
    }
}
