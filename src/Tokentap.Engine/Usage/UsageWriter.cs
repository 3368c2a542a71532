// The write transactions of the store: insert a batch, link events to their conversation, remove events, keeping
// rollups and labels in step.
using LiteDB;
using LiteDB.Engine;

namespace Tokentap.Engine.Usage;

/// <summary>
/// Runs inside one <see cref="UsageDatabase.Execute{T}"/> call. Each method is one LiteDB transaction: the events,
/// their rollup rows and the label list change together or not at all.
/// </summary>
internal static class UsageWriter
{
    private const int InChunk = 500;
    private const string LastPositionId = "position";
    private const string MetaValue = "v";

    /// <summary>
    /// Inserts a batch (events already stored, or repeated in the batch, are skipped: see <see cref="StoredKeys"/>) and,
    /// in the same transaction, writes the <paramref name="links"/> onto stored events (see <see cref="Link"/>).
    /// </summary>
    /// With <paramref name="openChunks"/> (the recorder's), the open chunks are taken from and kept in it. Only the
    /// recorder's first attempt of a batch of new ids passes <see cref="UsageDuplicateCheck.NoneForFreshIds"/>.
    public static UsageWriteResult Insert(LiteEngine engine, IReadOnlyList<UsageEvent> events, IReadOnlyList<UsageLink>? links = null, OpenChunkCache? openChunks = null, UsageDuplicateCheck check = UsageDuplicateCheck.StoredEvents)
    {
        links ??= [];
        var keys = new List<UInt128>(events.Count);
        var fresh = new List<UsageEvent>(events.Count);
        var seen = new HashSet<UInt128>();
        foreach (var usageEvent in events)
        {
            var key = UsageKeys.KeyOf(usageEvent);
            if (seen.Add(key))
            {
                keys.Add(key);
                fresh.Add(usageEvent);
            }
        }

        var written = openChunks is null ? null : new Dictionary<long, OpenChunkCache.Entry>();
        BeginTrans(engine);
        try
        {
            // Before the append, which reads back (within this transaction) the chunks the links rewrote.
            var linked = links.Count > 0 ? Link(engine, links) : 0;
            var stored = check == UsageDuplicateCheck.StoredEvents ? StoredKeys(engine, fresh) : [];
            var position = LastPosition(engine);
            var first = position + 1;
            var inserted = new List<StoredEvent>(fresh.Count);
            for (var i = 0; i < fresh.Count; i++)
            {
                if (!stored.Contains(keys[i]))
                {
                    inserted.Add(new StoredEvent(++position, fresh[i]));
                }
            }

            if (inserted.Count > 0)
            {
                Append(engine, inserted, openChunks, written);
                var added = inserted.ConvertAll(e => e.Event);
                ApplyRollups(engine, added, +1);
                AddLabels(engine, added);
                SetLastPosition(engine, position);
            }

            engine.Commit();
            openChunks?.Replace(written!);
            return new UsageWriteResult(
                inserted.Count,
                events.Count - inserted.Count,
                inserted.Count > 0 ? first : 0,
                inserted.Count > 0 ? position : 0,
                linked);
        }
        catch
        {
            openChunks?.Clear();
            engine.Rollback();
            throw;
        }
    }

    /// <summary>
    /// The keys (<see cref="UsageKeys.KeyOf"/>) of the given events (distinct keys) that are already stored. An event's
    /// key is its id and UTC day, so each day of the events is read once: the ids of every chunk of its 24 hours
    /// (nothing else of the events is decoded), its hours' event counts checked against the rollup rows as queries check
    /// them (a damaged hour index could otherwise hide stored events and let them be written twice).
    /// </summary>
    internal static HashSet<UInt128> StoredKeys(LiteEngine engine, IReadOnlyList<UsageEvent> events)
    {
        var stored = new HashSet<UInt128>();
        var ids = new List<Guid>(UsageChunkDocument.Capacity);
        var counts = new Dictionary<long, long>();
        foreach (var day in events.GroupBy(e => UsageKeys.UtcTicks(e.Timestamp) / TimeSpan.TicksPerDay))
        {
            var wanted = new Dictionary<Guid, UInt128>();
            foreach (var usageEvent in day)
            {
                wanted[usageEvent.Id] = UsageKeys.KeyOf(usageEvent);
            }

            var firstHour = day.Key * 24;
            var lastHour = firstHour + 23;
            var query = new Query();
            query.Where.Add(BsonExpression.Create("$." + UsageChunkDocument.Hour + " BETWEEN @0 AND @1", firstHour, lastHour));
            counts.Clear();
            using (var reader = engine.Query(UsageSchema.Chunks, query))
            {
                while (reader.Read())
                {
                    var chunk = reader.Current.AsDocument;
                    var hour = UsageChunkDocument.HourOf(chunk);
                    counts[hour] = counts.GetValueOrDefault(hour) + UsageChunkDocument.CountOf(chunk);
                    ids.Clear();
                    UsageChunkDocument.ReadIds(chunk, ids);
                    foreach (var id in ids)
                    {
                        if (wanted.TryGetValue(id, out var key))
                        {
                            stored.Add(key);
                        }
                    }
                }
            }

            UsageHourCheck.Verify(engine, counts, firstHour, lastHour);
        }

        return stored;
    }

    /// <summary>
    /// Adds events (with their positions) to the chunks of their hours, inside the caller's transaction: each hour's
    /// newest chunk with room is read (or taken from <paramref name="openChunks"/> when the file still holds it as
    /// remembered), merged with the new events in time order and written back as full chunks plus one with room, each
    /// with the highest position it holds as its _id. The chunks with room written go into <paramref name="written"/>.
    /// </summary>
    public static void Append(LiteEngine engine, IReadOnlyList<StoredEvent> events, OpenChunkCache? openChunks = null, Dictionary<long, OpenChunkCache.Entry>? written = null)
    {
        foreach (var hour in events.GroupBy(e => UsageKeys.HourOf(e.Ticks)))
        {
            var merged = new List<StoredEvent>(UsageChunkDocument.Capacity + events.Count);
            var remembered = openChunks?.TryTake(engine, hour.Key, merged);
            if (remembered is not null)
            {
                engine.Delete(UsageSchema.Chunks, [remembered]);
            }
            else if (OpenChunk(engine, hour.Key) is { } open)
            {
                UsageChunkDocument.ReadEvents(open, merged);
                engine.Delete(UsageSchema.Chunks, [open[UsageChunkDocument.Id]]);
            }

            merged.AddRange(hour);
            merged.Sort(StoredEvent.Compare);
            var documents = new List<BsonDocument>();
            for (var start = 0; start < merged.Count; start += UsageChunkDocument.Capacity)
            {
                var piece = merged.GetRange(start, Math.Min(UsageChunkDocument.Capacity, merged.Count - start));
                var id = piece.Max(e => e.Position);
                var document = UsageChunkDocument.ToDocument(id, hour.Key, piece);
                documents.Add(document);
                if (written is not null && piece.Count < UsageChunkDocument.Capacity)
                {
                    written[hour.Key] = new OpenChunkCache.Entry(id, document[UsageChunkDocument.Data].AsBinary, piece.ToArray());
                }
            }

            engine.Insert(UsageSchema.Chunks, documents, BsonAutoId.Int64);
        }
    }

    /// <summary>
    /// Writes conversation links onto stored events, inside the caller's transaction, the way <see cref="Remove"/>
    /// rewrites chunks: every chunk of the links' hours is read, and one holding an event a link changes is rewritten
    /// under the same _id with the same events in the same order, only the link's three fields changed. Ids, figures,
    /// positions and rollups (which carry no conversation) stay. An event gone since the links were made, or
    /// already linked so, is left alone. Returns the number of events changed.
    /// </summary>
    private static int Link(LiteEngine engine, IReadOnlyList<UsageLink> links)
    {
        var linked = 0;
        var rewrites = new List<BsonDocument>();
        var events = new List<StoredEvent>();
        foreach (var hour in links.GroupBy(l => UsageKeys.HourOf(l.Ticks)))
        {
            var wanted = new Dictionary<Guid, UsageLink>();
            foreach (var link in hour)
            {
                wanted[link.EventId] = link;
            }

            var page = UsageHourCheck.Verified(engine, UsageScanner.ReadHours(engine, hour.Key, hour.Key, descending: false, int.MaxValue), hour.Key, hour.Key, descending: false);
            foreach (var chunk in page.Chunks)
            {
                events.Clear();
                UsageChunkDocument.ReadEvents(chunk, events);
                var changed = 0;
                foreach (var stored in events)
                {
                    if (wanted.TryGetValue(stored.Event.Id, out var link) && stored.Ticks == link.Ticks && link.ApplyTo(stored.Event))
                    {
                        changed++;
                    }
                }

                if (changed > 0)
                {
                    rewrites.Add(UsageChunkDocument.ToDocument(UsageChunkDocument.IdOf(chunk), UsageChunkDocument.HourOf(chunk), events));
                    linked += changed;
                }
            }
        }

        if (rewrites.Count > 0)
        {
            engine.Update(UsageSchema.Chunks, rewrites);
        }

        return linked;
    }

    /// <summary>The newest chunk of an hour that has room for more events, or null.</summary>
    private static BsonDocument? OpenChunk(LiteEngine engine, long hour)
    {
        var query = new Query { Select = BsonExpression.Create("{ _id: $._id, n: $.n }") };
        query.Where.Add(BsonExpression.Create("$." + UsageChunkDocument.Hour + " = @0", hour));
        long? newest = null;
        using (var reader = engine.Query(UsageSchema.Chunks, query))
        {
            while (reader.Read())
            {
                var chunk = reader.Current.AsDocument;
                var id = UsageChunkDocument.IdOf(chunk);
                if (UsageChunkDocument.CountOf(chunk) < UsageChunkDocument.Capacity && (newest is null || id > newest))
                {
                    newest = id;
                }
            }
        }

        return newest is { } found ? UsageChunkDocument.Find(engine, found) : null;
    }

    /// <summary>
    /// Takes the events <paramref name="remove"/> selects out of the given chunks (full documents), with their rollup
    /// counts, in one transaction; a chunk left empty is deleted, others are rewritten under the same _id.
    /// With <paramref name="dryRun"/> only counts them. Returns the number of events removed (or that would be).
    /// </summary>
    public static int Remove(LiteEngine engine, IReadOnlyList<BsonDocument> chunks, Func<StoredEvent, bool> remove, bool dryRun = false)
    {
        var removed = new List<StoredEvent>();
        var rewrites = new List<BsonDocument>();
        var deletions = new List<BsonValue>();
        var events = new List<StoredEvent>();
        var kept = new List<StoredEvent>();
        foreach (var chunk in chunks)
        {
            events.Clear();
            kept.Clear();
            UsageChunkDocument.ReadEvents(chunk, events);
            foreach (var e in events)
            {
                (remove(e) ? removed : kept).Add(e);
            }

            if (kept.Count == events.Count)
            {
                continue;
            }

            if (kept.Count == 0)
            {
                deletions.Add(chunk[UsageChunkDocument.Id]);
            }
            else
            {
                rewrites.Add(UsageChunkDocument.ToDocument(UsageChunkDocument.IdOf(chunk), UsageChunkDocument.HourOf(chunk), kept));
            }
        }

        if (dryRun || removed.Count == 0)
        {
            return removed.Count;
        }

        BeginTrans(engine);
        try
        {
            engine.Delete(UsageSchema.Chunks, deletions);
            engine.Update(UsageSchema.Chunks, rewrites);
            ApplyRollups(engine, removed.ConvertAll(e => e.Event), -1);
            engine.Commit();
            return removed.Count;
        }
        catch
        {
            engine.Rollback();
            throw;
        }
    }

    /// <summary>Rebuilds the label list from the rollup rows (after removals, values may have gone).</summary>
    public static void RebuildLabels(LiteEngine engine)
    {
        BeginTrans(engine);
        try
        {
            var old = new List<BsonValue>();
            using (var reader = engine.Query(UsageSchema.Values, new Query { Select = BsonExpression.Create("{ _id: $._id }") }))
            {
                while (reader.Read())
                {
                    old.Add(reader.Current["_id"]);
                }
            }

            engine.Delete(UsageSchema.Values, old);
            var labels = new HashSet<(UsageField, string)>();
            using (var reader = engine.Query(UsageSchema.Rollups, new Query()))
            {
                while (reader.Read())
                {
                    var row = UsageRollupDocument.FromDocument(reader.Current.AsDocument);
                    labels.UnionWith(UsageLabelDocument.LabelsOf(row.ProviderName, row.ModelName, row.AppName, row.SessionName, row.ProjectName));
                }
            }

            engine.Insert(UsageSchema.Values, labels.Select(l => UsageLabelDocument.ToDocument(l.Item1, l.Item2)), BsonAutoId.Guid);
            engine.Commit();
        }
        catch
        {
            engine.Rollback();
            throw;
        }
    }

    /// <summary>Begins a transaction that a failed write can leave undisposed without its finalizer ending the process.</summary>
    private static void BeginTrans(LiteEngine engine)
    {
        engine.BeginTrans();
        LiteDbFinalizerGuard.Protect(engine);
    }

    /// <summary>The last position given (0 for an empty store); positions are never given twice.</summary>
    public static long LastPosition(LiteEngine engine) => ReadMeta(engine, LastPositionId);

    /// <summary>Records the last position given, inside the caller's transaction.</summary>
    public static void SetLastPosition(LiteEngine engine, long position) => WriteMeta(engine, LastPositionId, position);

    /// <summary>A number kept in the meta collection (0 when absent).</summary>
    public static long ReadMeta(LiteEngine engine, string name)
    {
        using var reader = engine.Query(UsageSchema.Meta, new Query { Where = { BsonExpression.Create("$._id = @0", name) } });
        return reader.Read() && reader.Current[MetaValue] is { IsNumber: true } value ? value.AsInt64 : 0;
    }

    public static void WriteMeta(LiteEngine engine, string name, long value) =>
        engine.Upsert(UsageSchema.Meta, [new BsonDocument { ["_id"] = name, [MetaValue] = value }], BsonAutoId.Int64);

    private static void ApplyRollups(LiteEngine engine, IReadOnlyList<UsageEvent> events, int sign)
    {
        // Events are grouped by their row's labels first and each row's _id (a hash) is computed once, not per event.
        var rows = new Dictionary<(long Hour, string Provider, string? Model, string? App, string? Session, string? Project, bool Success), UsageRollupDocument>();
        foreach (var usageEvent in events)
        {
            var ticks = UsageKeys.UtcTicks(usageEvent.Timestamp);
            var labels = (UsageKeys.HourOf(ticks), usageEvent.Provider ?? "", usageEvent.Model, usageEvent.App, usageEvent.Session, usageEvent.Project, usageEvent.IsSuccess);
            if (!rows.TryGetValue(labels, out var row))
            {
                rows[labels] = row = UsageRollupDocument.For(usageEvent);
            }

            row.Totals.Add(usageEvent, sign);
        }

        var deltas = new Dictionary<Guid, UsageRollupDocument>(rows.Count);
        foreach (var row in rows.Values)
        {
            deltas[row.Id] = row;
        }

        var updates = new List<BsonDocument>();
        var removals = new List<BsonValue>();
        foreach (var chunk in deltas.Keys.Chunk(InChunk))
        {
            var query = new Query();
            query.Where.Add(BsonExpression.Create("$._id IN @0", new BsonArray(chunk.Select(id => new BsonValue(id)))));
            using var reader = engine.Query(UsageSchema.Rollups, query);
            while (reader.Read())
            {
                var doc = reader.Current.AsDocument;
                var id = doc["_id"].AsGuid;
                var row = UsageRollupDocument.FromDocument(doc);
                row.Totals.Add(deltas[id].Totals);
                deltas.Remove(id);
                if (row.Totals.Requests > 0)
                {
                    updates.Add(row.ToDocument(id));
                }
                else
                {
                    removals.Add(id);
                }
            }
        }

        if (updates.Count > 0)
        {
            engine.Update(UsageSchema.Rollups, updates);
        }

        if (removals.Count > 0)
        {
            engine.Delete(UsageSchema.Rollups, removals);
        }

        // Rows not found are new (sign +1). A deletion always finds its row, since rows are written with their events.
        var inserts = deltas.Where(d => d.Value.Totals.Requests > 0).Select(d => d.Value.ToDocument(d.Key)).ToList();
        if (inserts.Count > 0)
        {
            engine.Insert(UsageSchema.Rollups, inserts, BsonAutoId.Guid);
        }
    }

    private static void AddLabels(LiteEngine engine, IReadOnlyList<UsageEvent> events)
    {
        // The distinct values first (most events of a batch share them), then one hash each.
        var values = new HashSet<(UsageField Field, string Value)>();
        UsageEvent? previous = null;
        foreach (var e in events)
        {
            // An event with the labels of the one before adds nothing to the set.
            if (previous is not null && e.Provider == previous.Provider && e.Model == previous.Model && e.App == previous.App
                && e.Session == previous.Session && e.Project == previous.Project)
            {
                continue;
            }

            previous = e;
            foreach (var label in UsageLabelDocument.LabelsOf(e.Provider, e.Model, e.App, e.Session, e.Project))
            {
                values.Add(label);
            }
        }

        var labels = new Dictionary<Guid, (UsageField Field, string Value)>(values.Count);
        foreach (var label in values)
        {
            labels.TryAdd(UsageLabelDocument.IdOf(label.Field, label.Value), label);
        }

        if (labels.Count == 0)
        {
            return;
        }

        var query = new Query { Select = BsonExpression.Create("{ _id: $._id }") };
        query.Where.Add(BsonExpression.Create("$._id IN @0", new BsonArray(labels.Keys.Select(id => new BsonValue(id)))));
        using (var reader = engine.Query(UsageSchema.Values, query))
        {
            while (reader.Read())
            {
                labels.Remove(reader.Current["_id"].AsGuid);
            }
        }

        if (labels.Count > 0)
        {
            engine.Insert(UsageSchema.Values, labels.Values.Select(l => UsageLabelDocument.ToDocument(l.Field, l.Value)), BsonAutoId.Guid);
        }
    }
}
