// The host patterns Tokentap intercepts and its CA may sign for: DNS names and "*.suffix" wildcards, never addresses.
using System.Globalization;
using System.Net;

namespace Tokentap.Engine.Certificates;

/// <summary>
/// One rule for what a host pattern is, shared by the intercept list and the certificate authority's name
/// constraints, so a pattern the proxy accepts is always one the CA can be constrained to.
/// </summary>
internal static class HostPattern
{
    private static readonly IdnMapping Idn = new();

    /// <summary>
    /// Lower-cases and validates one pattern; IDN names become their ASCII form. IP addresses are refused: the
    /// certificate authority's name constraints exclude every address, so an address can never be intercepted.
    /// </summary>
    public static string Normalize(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var p = pattern.Trim().TrimEnd('.');
        var wildcard = p.StartsWith("*.", StringComparison.Ordinal);
        var name = wildcard ? p[2..] : p;
        if (name.Length == 0 || IPAddress.TryParse(name.Trim('[', ']'), out _))
        {
            throw new ArgumentException($"'{pattern}' is not a DNS host name (IP addresses cannot be intercepted).");
        }

        string ascii;
        try
        {
            ascii = Idn.GetAscii(name).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            throw new ArgumentException($"'{pattern}' is not a valid DNS host name.");
        }

        foreach (var label in ascii.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                throw new ArgumentException($"'{pattern}' is not a valid DNS host name.");
            }
        }

        if (wildcard && !ascii.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{pattern}' is too broad: a wildcard needs at least two labels after '*.'.");
        }

        return wildcard ? "*." + ascii : ascii;
    }
}
