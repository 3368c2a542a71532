// Decides each trust variable's session value so that a CA file the user already set stays trusted beside Tokentap's.
using Tokentap.Engine.Certificates;

namespace Tokentap.Engine.SessionVariables;

/// <summary>
/// The trust variables of one <see cref="SessionEnvironment.Compute"/> call: the user's file (from the variable, or from
/// the one its client falls back to when it is unset) merged with the Tokentap CA, or Tokentap's default file.
/// </summary>
internal sealed class UserTrust
{
    private readonly string _caCertificatePath;
    private readonly string _caDirectory;
    private readonly Func<string, string?> _currentValue;
    private readonly Action<string> _warn;
    private readonly Dictionary<string, string?> _merged = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string? Path, string? Error)> _mergedFiles = new(StringComparer.Ordinal);
    private string? _caPem;

    public UserTrust(string caCertificatePath, Func<string, string?> currentValue, Action<string> warn)
    {
        _caCertificatePath = caCertificatePath;
        _caDirectory = Path.GetDirectoryName(Path.GetFullPath(caCertificatePath)) ?? Path.GetFullPath(caCertificatePath);
        _currentValue = currentValue;
        _warn = warn;
    }

    /// <summary>
    /// The variable <paramref name="name"/>: its own value or the first set of <paramref name="fallbacks"/> (the variables
    /// its clients read when it is unset) merged with the Tokentap CA; <paramref name="defaultValue"/> when none is set,
    /// when the value already is a Tokentap file, or (with a warning) when the user's file cannot be merged.
    /// </summary>
    public TokentapEnvironmentVariable Variable(string name, string defaultValue, string purpose, string defaultDescription, params string[] fallbacks)
    {
        var source = new[] { name }.Concat(fallbacks).FirstOrDefault(n => !string.IsNullOrWhiteSpace(_currentValue(n)));
        if (source is null)
        {
            return new(name, defaultValue, string.Format(System.Globalization.CultureInfo.InvariantCulture, purpose, defaultDescription));
        }

        var userFile = _currentValue(source)!.Trim();
        if (IsTokentapFile(userFile))
        {
            // A session started from a shell that Tokentap already set up (or Get-TokentapEnvironment after
            // Start-Tokentap): the file already holds the Tokentap CA.
            return new(name, userFile, string.Format(System.Globalization.CultureInfo.InvariantCulture, purpose, $"Tokentap's {userFile}"));
        }

        var merged = Merge(source, userFile, defaultDescription);
        return merged is null
            ? new(name, defaultValue, string.Format(System.Globalization.CultureInfo.InvariantCulture, purpose, defaultDescription))
            : new(name, merged, string.Format(System.Globalization.CultureInfo.InvariantCulture, purpose, $"your {source} file ({userFile}) plus the Tokentap CA"));
    }

    private bool IsTokentapFile(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            return full.StartsWith(_caDirectory + Path.DirectorySeparatorChar, comparison);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
    }

    private string? Merge(string source, string userFile, string defaultDescription)
    {
        var key = source + "\n" + userFile;
        if (_merged.TryGetValue(key, out var known))
        {
            return known;
        }

        // Several variables often name the same file (a system bundle): it is merged once, each variable warns for itself.
        if (!_mergedFiles.TryGetValue(userFile, out var result))
        {
            try
            {
                _caPem ??= File.ReadAllText(_caCertificatePath);
                result = (MergedTrustFile.Write(_caDirectory, userFile, _caPem), null);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                result = (null, ex.Message);
            }

            _mergedFiles[userFile] = result;
        }

        var merged = result.Path;
        if (result.Error is { } error)
        {
            _warn($"{source} names '{userFile}', which Tokentap cannot merge with its CA ({error}). This session uses " +
                $"Tokentap's default instead ({defaultDescription}), so the certificates in that file are not trusted while Tokentap runs.");
        }

        _merged[key] = merged;
        return merged;
    }
}
