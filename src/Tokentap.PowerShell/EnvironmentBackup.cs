// Applies the session variables to this process and puts back exactly what was there before (unset stays unset).
namespace Tokentap.PowerShell;

/// <summary>Remembers each variable's previous value (or absence) the first time it is set; Dispose restores them.</summary>
internal sealed class EnvironmentBackup : IDisposable
{
    private readonly List<KeyValuePair<string, string?>> _previous = new();

    /// <summary>Sets the variables for the process, remembering what they replace.</summary>
    public void Apply(IEnumerable<TokentapEnvironmentVariable> variables)
    {
        foreach (var variable in variables)
        {
            if (!_previous.Any(p => p.Key == variable.Name))
            {
                _previous.Add(new KeyValuePair<string, string?>(variable.Name, Environment.GetEnvironmentVariable(variable.Name)));
            }

            Environment.SetEnvironmentVariable(variable.Name, variable.Value);
        }
    }

    /// <summary>Restores every variable to its previous value, in reverse order of setting.</summary>
    public void Restore()
    {
        for (var i = _previous.Count - 1; i >= 0; i--)
        {
            Environment.SetEnvironmentVariable(_previous[i].Key, _previous[i].Value);
        }

        _previous.Clear();
    }

    /// <summary>Restores the variables (a run's variables last exactly as long as a using block).</summary>
    public void Dispose() => Restore();

    /// <summary>The names that were set.</summary>
    public IReadOnlyList<string> Names => _previous.Select(p => p.Key).ToList();
}
