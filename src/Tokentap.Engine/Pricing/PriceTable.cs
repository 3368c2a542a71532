// The price table Tokentap costs usage with: the embedded, dated table with the user's prices.json merged over it.
using System.Collections.Concurrent;

namespace Tokentap.Engine.Pricing;

/// <summary>
/// Resolves model ids to prices and computes costs. Lookups are thread-safe and cached. Problems (an unreadable
/// override file, a model without a price) become warnings the module drains with <see cref="DrainWarnings"/>.
/// </summary>
public sealed class PriceTable
{
    /// <summary>Name of the embedded table resource.</summary>
    public const string EmbeddedResourceName = "Tokentap.Engine.Pricing.prices.json";

    private static readonly Lazy<IReadOnlyList<ModelPrice>> EmbeddedModels = new(ReadEmbedded);

    private readonly Lazy<Contents> _contents;
    private readonly ConcurrentDictionary<(string Provider, string Model), ModelPrice?> _resolved = new(ResolvedKeyComparer.Instance);
    // Keys only; a string value keeps the dictionary on the framework's precompiled code (no JIT at start).
    private readonly ConcurrentDictionary<string, string> _warnedModels = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _warnings = new();

    /// <summary>A table of base models with overrides searched first.</summary>
    public PriceTable(IReadOnlyList<ModelPrice> models, IReadOnlyList<ModelPrice>? overrides = null)
    {
        _contents = new Lazy<Contents>(Contents.Of(models, overrides, null));
    }

    // A table whose models are read on first use (see Load).
    private PriceTable(string overridesPath)
    {
        OverridesPath = overridesPath;
        _contents = new Lazy<Contents>(() => ReadContents(overridesPath), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The base models (the embedded table unless built otherwise).</summary>
    public IReadOnlyList<ModelPrice> Models => _contents.Value.Embedded;

    /// <summary>The user's override models, searched before <see cref="Models"/>.</summary>
    public IReadOnlyList<ModelPrice> Overrides => _contents.Value.Overrides;

    /// <summary>The override file this table was loaded with, when there was one.</summary>
    public string? OverridesPath { get; }

    /// <summary>Why the override file was not used; null when it loaded or did not exist.</summary>
    public string? OverridesError => _contents.Value.OverridesError;

    /// <summary>
    /// True once the models are read. A table from <see cref="Load(string)"/> reads them (the embedded list and the
    /// override file) on first use, not when made: starting a proxy does not wait for them.
    /// </summary>
    public bool IsLoaded => _contents.IsValueCreated;

    /// <summary>The embedded table alone.</summary>
    public static PriceTable Embedded() => new(EmbeddedModels.Value);

    /// <summary>The embedded table with $TOKENTAP_HOME/prices.json merged over it.</summary>
    public static PriceTable Load(TokentapPaths paths) => Load(paths.PriceOverridesPath);

    /// <summary>
    /// The embedded table with an override file merged over it, both read on first use (parsing the embedded list is
    /// the slowest step of opening the recording, and nothing needs a price before the first response). A missing file
    /// is no error; a bad one leaves the embedded table alone and queues a warning naming the file and the problem.
    /// </summary>
    public static PriceTable Load(string overridesPath) => new(overridesPath);

    /// <summary>Reads a table file's models; throws <see cref="InvalidDataException"/> with the file name on bad content.</summary>
    public static IReadOnlyList<ModelPrice> ReadFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            return PriceTableJson.ReadModels(bytes);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The price entry for a model id, or null. Overrides first, then the base table; within each, every candidate
    /// name (the id, then without provider prefix, ':' tag, '@' version, '-latest' or date suffix) is tried first against
    /// the billing provider's own models, then against all models, each by exact id and then by match rule.
    /// </summary>
    public ModelPrice? Resolve(string? model, string? provider = null)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return null;
        }

        // Looked up for every event: a tuple key and a static factory, so a hit allocates nothing.
        return _resolved.GetOrAdd((provider ?? "", model), static (_, state) => state.Table.Search(state.Model, state.Provider), (Table: this, Model: model, Provider: provider));
    }

    /// <summary>
    /// The cost of a usage event: the response's model first, then the request's. Null, with one warning per model,
    /// when no price is known.
    /// </summary>
    public decimal? Cost(UsageEvent usage)
    {
        var price = Resolve(usage.Model, usage.Provider) ?? Resolve(usage.RequestModel, usage.Provider);
        if (price is null)
        {
            var name = usage.Model ?? usage.RequestModel;
            if (!string.IsNullOrWhiteSpace(name) && _warnedModels.TryAdd(name, name))
            {
                _warnings.Enqueue($"No price known for model '{name}' ({usage.Provider}); its cost is left empty. " +
                    "Add it to prices.json or import a price list.");
            }

            return null;
        }

        try
        {
            return price.Cost(TokenCounts.From(usage), usage.Timestamp);
        }
        catch (OverflowException)
        {
            // Token numbers no real request has (a corrupted response); no cost is better than a wrong one.
            return null;
        }
    }

    /// <summary>The models seen so far that have no known price.</summary>
    public IReadOnlyList<string> UnpricedModels => _warnedModels.Keys.Order(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>Takes the warnings queued since the last call (override file problems, models without a price).</summary>
    public IReadOnlyList<string> DrainWarnings()
    {
        // Reading the models queues the override file's problem, if it has one.
        _ = _contents.Value;
        var drained = new List<string>();
        while (_warnings.TryDequeue(out var warning))
        {
            drained.Add(warning);
        }

        return drained;
    }

    private ModelPrice? Search(string model, string? provider)
    {
        var candidates = ModelNames.Candidates(model);
        var hint = ModelNames.PriceProvider(provider, model);
        var contents = _contents.Value;
        return SearchIn(contents.Overrides, candidates, hint) ?? SearchIn(contents.Embedded, candidates, hint);
    }

    private static ModelPrice? SearchIn(IReadOnlyList<ModelPrice> models, List<string> candidates, string? hint)
    {
        if (models.Count == 0)
        {
            return null;
        }

        if (hint is not null)
        {
            foreach (var candidate in candidates)
            {
                if (Find(models, candidate, hint) is { } hinted)
                {
                    return hinted;
                }
            }
        }

        foreach (var candidate in candidates)
        {
            if (Find(models, candidate, null) is { } any)
            {
                return any;
            }
        }

        return null;
    }

    private static ModelPrice? Find(IReadOnlyList<ModelPrice> models, string candidate, string? provider)
    {
        foreach (var model in models)
        {
            if (InProvider(model, provider) && string.Equals(model.Id, candidate, StringComparison.OrdinalIgnoreCase))
            {
                return model;
            }
        }

        foreach (var model in models)
        {
            if (InProvider(model, provider) && model.Match is not null && model.Match.IsMatch(candidate))
            {
                return model;
            }
        }

        return null;
    }

    // An override that names an embedded model by id replaces it for every id the embedded entry covers.
    private static ModelPrice InheritMatch(ModelPrice overrideModel, IReadOnlyList<ModelPrice> models)
    {
        if (overrideModel.Match is not null)
        {
            return overrideModel;
        }

        var same = models.FirstOrDefault(m => string.Equals(m.Id, overrideModel.Id, StringComparison.OrdinalIgnoreCase));
        if (same is null)
        {
            return overrideModel;
        }

        return new ModelPrice
        {
            Id = overrideModel.Id,
            Provider = overrideModel.Provider ?? same.Provider,
            Match = same.Match,
            ContextWindow = overrideModel.ContextWindow ?? same.ContextWindow,
            Source = overrideModel.Source,
            Retrieved = overrideModel.Retrieved,
            Periods = overrideModel.Periods,
        };
    }

    private static bool InProvider(ModelPrice model, string? provider) =>
        provider is null || string.Equals(model.Provider, provider, StringComparison.OrdinalIgnoreCase);

    private Contents ReadContents(string overridesPath)
    {
        if (!File.Exists(overridesPath))
        {
            return Contents.Of(EmbeddedModels.Value, null, null);
        }

        try
        {
            return Contents.Of(EmbeddedModels.Value, ReadFile(overridesPath), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            var message = $"Price overrides file '{overridesPath}' was not used: {ex.Message}. Costs use the embedded prices only.";
            _warnings.Enqueue(message);
            return Contents.Of(EmbeddedModels.Value, null, message);
        }
    }

    private static IReadOnlyList<ModelPrice> ReadEmbedded()
    {
        using var stream = typeof(PriceTable).Assembly.GetManifestResourceStream(EmbeddedResourceName)
            ?? throw new InvalidOperationException($"The embedded price table {EmbeddedResourceName} is missing from the engine assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return PriceTableJson.ReadModels(buffer.ToArray());
    }

    // The models a table searches: the base list and the overrides (each inheriting its embedded entry's match rule).
    private sealed record Contents(IReadOnlyList<ModelPrice> Embedded, IReadOnlyList<ModelPrice> Overrides, string? OverridesError)
    {
        public static Contents Of(IReadOnlyList<ModelPrice> models, IReadOnlyList<ModelPrice>? overrides, string? error) =>
            new(models, overrides is null ? Array.Empty<ModelPrice>() : overrides.Select(o => InheritMatch(o, models)).ToArray(), error);
    }

    // Provider and model, each ignoring case, as the cache's key.
    private sealed class ResolvedKeyComparer : IEqualityComparer<(string Provider, string Model)>
    {
        public static readonly ResolvedKeyComparer Instance = new();

        public bool Equals((string Provider, string Model) x, (string Provider, string Model) y) =>
            string.Equals(x.Provider, y.Provider, StringComparison.OrdinalIgnoreCase) && string.Equals(x.Model, y.Model, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string Provider, string Model) key) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(key.Provider), StringComparer.OrdinalIgnoreCase.GetHashCode(key.Model));
    }
}
