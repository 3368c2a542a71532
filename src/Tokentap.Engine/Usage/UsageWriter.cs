// The write transactions of the store: insert a batch, delete events, keeping rollups and labels in step.
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

    public static UsageWriteResult Insert(LiteEngine engine, IReadOnlyList<UsageEvent> events)
    {
        var keys = new List<string>(events.Count);
        var fresh = new List<UsageEvent>(events.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var usageEvent in events)
        {
            var key = UsageEventDocument.StoredKey(usageEvent);
            if (seen.Add(key))
            {
                keys.Add(key);
                fresh.Add(usageEvent);
            }
        }

        // Nearly every batch holds only new events: insert it straight away and let the unique key index object.
        // Only a batch that meets a stored key (a retried write, an import) is written again, skipping what is there.
        try
        {
            return InsertTransaction(engine, events.Count, keys, fresh, skipStored: false);
        }
        catch (LiteException ex) when (ex.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            return InsertTransaction(engine, events.Count, keys, fresh, skipStored: true);
        }
    }

    private static UsageWriteResult InsertTransaction(LiteEngine engine, int offered, List<string> keys, List<UsageEvent> fresh, bool skipStored)
    {
        engine.BeginTrans();
        try
        {
            var stored = skipStored ? ExistingKeys(engine, keys) : [];
            var position = LastPosition(engine);
            var first = position + 1;
            var documents = new List<BsonDocument>(fresh.Count);
            var inserted = new List<UsageEvent>(fresh.Count);
            for (var i = 0; i < fresh.Count; i++)
            {
                if (!stored.Contains(keys[i]))
                {
                    documents.Add(UsageEventDocument.ToDocument(fresh[i], keys[i], ++position));
                    inserted.Add(fresh[i]);
                }
            }

            if (documents.Count > 0)
            {
                engine.Insert(UsageSchema.Events, documents, BsonAutoId.Int64);
                ApplyRollups(engine, inserted, +1);
                AddLabels(engine, inserted);
            }

            engine.Commit();
            return new UsageWriteResult(
                documents.Count,
                offered - documents.Count,
                documents.Count > 0 ? first : 0,
                documents.Count > 0 ? position : 0);
        }
        catch
        {
            engine.Rollback();
            throw;
        }
    }

    /// <summary>Deletes the given stored events (full documents) and takes them out of their rollup rows.</summary>
    public static int Delete(LiteEngine engine, IReadOnlyList<BsonDocument> documents)
    {
        if (documents.Count == 0)
        {
            return 0;
        }

        engine.BeginTrans();
        try
        {
            var deleted = engine.Delete(UsageSchema.Events, documents.Select(d => d["_id"]));
            ApplyRollups(engine, documents.Select(UsageEventDocument.FromDocument).ToList(), -1);
            engine.Commit();
            return deleted;
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
        engine.BeginTrans();
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

    public static long LastPosition(LiteEngine engine)
    {
        var query = new Query
        {
            Select = BsonExpression.Create("{ _id: $._id }"),
            OrderBy = BsonExpression.Create("$._id"),
            Order = Query.Descending,
            Limit = 1,
        };
        using var reader = engine.Query(UsageSchema.Events, query);
        return reader.Read() ? reader.Current["_id"].AsInt64 : 0;
    }

    private static HashSet<string> ExistingKeys(LiteEngine engine, List<string> keys)
    {
        var existing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(InChunk))
        {
            var query = new Query { Select = BsonExpression.Create("{ k: $.k }") };
            query.Where.Add(BsonExpression.Create("$.k IN @0", new BsonArray(chunk.Select(k => new BsonValue(k)))));
            using var reader = engine.Query(UsageSchema.Events, query);
            while (reader.Read())
            {
                existing.Add(reader.Current["k"].AsString);
            }
        }

        return existing;
    }

    private static void ApplyRollups(LiteEngine engine, IReadOnlyList<UsageEvent> events, int sign)
    {
        var deltas = new Dictionary<Guid, UsageRollupDocument>();
        foreach (var usageEvent in events)
        {
            var row = UsageRollupDocument.For(usageEvent);
            var id = row.Id;
            if (!deltas.TryGetValue(id, out var delta))
            {
                deltas[id] = delta = row;
            }

            delta.Totals.Add(usageEvent, sign);
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
        var labels = new Dictionary<Guid, (UsageField Field, string Value)>();
        foreach (var e in events)
        {
            foreach (var label in UsageLabelDocument.LabelsOf(e.Provider, e.Model, e.App, e.Session, e.Project))
            {
                labels.TryAdd(UsageLabelDocument.IdOf(label.Field, label.Value), label);
            }
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
