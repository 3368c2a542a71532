// Budget use cases: read, create or change, and remove budgets; hand over the alerts the shell must show.
using Tokentap.Engine.Budgets;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    /// <summary>budgets.json of this data folder.</summary>
    public string BudgetFilePath => Runtime.Budgets.FilePath;

    /// <summary>
    /// The budgets whose names match any of <paramref name="names"/> (wildcards; null: all), with their spend now.
    /// Throws <see cref="TokentapException"/> BudgetFileInvalid when budgets.json cannot be read.
    /// </summary>
    public IReadOnlyList<TokentapBudget> GetBudgets(IReadOnlyList<string>? names = null) =>
        Budgeted(() => FindBudgets(names), names);

    private List<TokentapBudget> FindBudgets(IReadOnlyList<string>? names)
    {
        var patterns = names is { Count: > 0 } ? names.Select(n => new WildcardPattern(n)).ToArray() : null;
        return Runtime.Budgets.Report().Where(b => patterns is null || patterns.Any(p => p.IsMatch(b.Name))).ToList();
    }

    /// <summary>
    /// Creates the budget or changes the members of <paramref name="settings"/> that are set; returns it with its spend.
    /// Throws <see cref="TokentapException"/> InvalidBudgetSettings for invalid settings and BudgetFileInvalid when
    /// budgets.json cannot be read (it is then left as it is).
    /// </summary>
    public TokentapBudget SetBudget(TokentapBudgetSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Budgeted(() => ChangeBudget(settings), settings.Name);
    }

    private TokentapBudget ChangeBudget(TokentapBudgetSettings settings)
    {
        var name = settings.Name?.Trim();
        if (!BudgetFile.IsValidName(name))
        {
            throw new ArgumentException($"'{settings.Name}' is not a budget name: use 1 to 64 characters without wildcards (* ? [ ]).", nameof(settings));
        }

        var path = BudgetFilePath;
        var book = BudgetFile.Load(path);
        var existing = book.Budgets.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase));
        if (existing is null && settings.Amount is null)
        {
            throw new ArgumentException($"There is no budget '{name}' yet: give its -Amount to create it.", nameof(settings));
        }

        var updated = Merge(existing, name!, settings);
        var budgets = book.Budgets.Select(b => ReferenceEquals(b, existing) ? updated : b).ToList();
        if (existing is null)
        {
            budgets.Add(updated);
        }

        BudgetFile.Save(path, book with { Budgets = budgets });
        Runtime.Budgets.ForgetFileStamp();
        return FindBudgets([updated.Name]).Single();
    }

    /// <summary>Removes the budget with this exact name (case-insensitive); false when there is none.</summary>
    public bool RemoveBudget(string name) => Budgeted(() => DeleteBudget(name), name);

    private bool DeleteBudget(string name)
    {
        var path = BudgetFilePath;
        var book = BudgetFile.Load(path);
        var kept = book.Budgets.Where(b => !string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (kept.Count == book.Budgets.Count)
        {
            return false;
        }

        BudgetFile.Save(path, book with { Budgets = kept });
        Runtime.Budgets.ForgetFileStamp();
        return true;
    }

    /// <summary>The budget names in budgets.json (for tab completion); none when the file cannot be read.</summary>
    public IReadOnlyList<string> BudgetNames()
    {
        try
        {
            return BudgetFile.Load(BudgetFilePath).Budgets.Select(b => b.Name).ToList();
        }
        catch (Exception ex) when (ex is BudgetFileException or IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Budget alerts raised since the last call (thresholds crossed, requests blocked), oldest first, each once.</summary>
    public IReadOnlyList<TokentapBudgetAlert> DrainBudgetAlerts() => Runtime.Budgets.DrainAlerts();

    /// <summary>
    /// Runs a budget use case, classifying its failures: BudgetFileInvalid (budgets.json cannot be read; the message
    /// names the line and position), InvalidBudgetSettings, or a store failure.
    /// </summary>
    private T Budgeted<T>(Func<T> useCase, object? target)
    {
        try
        {
            return useCase();
        }
        catch (BudgetFileException ex)
        {
            throw new TokentapException("BudgetFileInvalid", TokentapErrorCategory.InvalidData, ex.Message, ex.Path, ex);
        }
        catch (ArgumentException ex)
        {
            throw new TokentapException("InvalidBudgetSettings", TokentapErrorCategory.InvalidArgument, ex.Message, target, ex);
        }
        catch (Exception ex) when (EngineFailures.Store(ex, DatabasePath) is { } failure)
        {
            throw failure;
        }
    }

    private static BudgetDefinition Merge(BudgetDefinition? existing, string name, TokentapBudgetSettings settings)
    {
        if (settings.Amount is { } amount && (amount <= 0 || amount > 1_000_000_000))
        {
            throw new ArgumentException($"The amount must be more than 0 and at most 1000000000 US dollars, not {amount}.", nameof(settings));
        }

        var period = existing?.Period ?? BudgetFile.DefaultPeriod;
        if (settings.Period is not null && !BudgetPeriod.TryParse(settings.Period, out period, out var periodError))
        {
            throw new ArgumentException(periodError + ".", nameof(settings));
        }

        var thresholds = existing?.Thresholds ?? BudgetDefinition.DefaultThresholds;
        if (settings.Thresholds is not null)
        {
            if (BudgetFile.ThresholdProblem(settings.Thresholds.ToList()) is { } problem)
            {
                throw new ArgumentException($"Invalid thresholds ({string.Join(", ", settings.Thresholds)}): {problem}.", nameof(settings));
            }

            thresholds = settings.Thresholds.Order().ToArray();
        }

        var zone = existing?.TimeZoneId;
        if (settings.TimeZone is not null)
        {
            if (!BudgetFile.TryFindZone(settings.TimeZone, out _))
            {
                throw new ArgumentException($"'{settings.TimeZone}' is not a time zone this system knows (use an id such as Europe/Berlin or UTC).", nameof(settings));
            }

            zone = settings.TimeZone;
        }

        var scope = existing?.Scope ?? UsageFilter.All;
        scope = scope with
        {
            Provider = Patterns(settings.Provider, scope.Provider),
            Model = Patterns(settings.Model, scope.Model),
            App = Patterns(settings.App, scope.App),
            Project = Patterns(settings.Project, scope.Project),
            Session = Patterns(settings.Session, scope.Session),
        };

        return new BudgetDefinition
        {
            Name = existing?.Name ?? name,
            Amount = settings.Amount ?? existing!.Amount,
            Period = period,
            Action = settings.Action ?? existing?.Action ?? BudgetAction.Warn,
            Thresholds = thresholds,
            TimeZoneId = zone,
            Scope = scope,
        };
    }

    private static IReadOnlyList<string>? Patterns(IReadOnlyList<string>? given, IReadOnlyList<string>? current) =>
        given is null ? current : given.Where(p => !string.IsNullOrWhiteSpace(p)).ToArray() is { Length: > 0 } list ? list : null;
}
