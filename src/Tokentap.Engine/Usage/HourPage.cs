// One page of the scanner: the chunks of whole hours read in one unit of work.
using LiteDB;

namespace Tokentap.Engine.Usage;

/// <summary>Chunks of whole hours read in one unit of work, and where the next page starts.</summary>
internal sealed record HourPage(List<BsonDocument> Chunks, bool Complete, long NextHour);
