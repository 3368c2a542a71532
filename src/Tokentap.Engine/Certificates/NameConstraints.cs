// Builds and reads the X.509 Name Constraints extension (RFC 5280 section 4.2.1.10) that confines the Tokentap CA.
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tokentap.Engine.Certificates;

/// <summary>
/// The CA's name constraints: permitted dNSName subtrees for the intercepted hosts, and every IPv4 and IPv6 address
/// excluded (a dNSName-only permit would leave addresses unconstrained). A host pattern "api.openai.com" becomes the
/// subtree "api.openai.com" (the name and its subdomains); "*.openai.azure.com" becomes ".openai.azure.com"
/// (subdomains only, the form OpenSSL, Go and Windows all read that way).
/// </summary>
internal static class NameConstraints
{
    public const string Oid = "2.5.29.30";

    private static readonly Asn1Tag PermittedTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag ExcludedTag = new(TagClass.ContextSpecific, 1, isConstructed: true);
    private static readonly Asn1Tag DnsNameTag = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag IpAddressTag = new(TagClass.ContextSpecific, 7);

    /// <summary>The constraint subtree for a normalized host pattern.</summary>
    public static string ToSubtree(string pattern) => pattern.StartsWith("*.", StringComparison.Ordinal) ? pattern[1..] : pattern;

    /// <summary>The host pattern a constraint subtree stands for (the inverse of <see cref="ToSubtree"/>).</summary>
    public static string ToPattern(string subtree) => subtree.StartsWith('.') ? "*" + subtree : subtree;

    /// <summary>A critical extension permitting the given subtrees and excluding all IP addresses.</summary>
    public static X509Extension Build(IEnumerable<string> dnsSubtrees)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence(PermittedTag))
            {
                foreach (var subtree in dnsSubtrees)
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteCharacterString(UniversalTagNumber.IA5String, subtree, DnsNameTag);
                    }
                }
            }

            using (writer.PushSequence(ExcludedTag))
            {
                using (writer.PushSequence())
                {
                    writer.WriteOctetString(new byte[8], IpAddressTag);
                }

                using (writer.PushSequence())
                {
                    writer.WriteOctetString(new byte[32], IpAddressTag);
                }
            }
        }

        return new X509Extension(new Oid(Oid, "X509v3 Name Constraints"), writer.Encode(), critical: true);
    }

    /// <summary>The constraints read from a certificate; null when it has no Name Constraints extension.</summary>
    public static ParsedNameConstraints? Read(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value == Oid)
            {
                return Parse(extension.RawData, extension.Critical);
            }
        }

        return null;
    }

    /// <summary>Parses the extension value (DER).</summary>
    public static ParsedNameConstraints Parse(ReadOnlyMemory<byte> der, bool critical)
    {
        var permittedDns = new List<string>();
        var excludedDns = new List<string>();
        var permittedIp = new List<byte[]>();
        var excludedIp = new List<byte[]>();
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var sequence = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        while (sequence.HasData)
        {
            var tag = sequence.PeekTag();
            var permitted = tag.HasSameClassAndValue(PermittedTag);
            if (!permitted && !tag.HasSameClassAndValue(ExcludedTag))
            {
                throw new CryptographicException("Unexpected element in Name Constraints.");
            }

            var subtrees = sequence.ReadSequence(permitted ? PermittedTag : ExcludedTag);
            while (subtrees.HasData)
            {
                var subtree = subtrees.ReadSequence();
                var nameTag = subtree.PeekTag();
                if (nameTag.HasSameClassAndValue(DnsNameTag))
                {
                    (permitted ? permittedDns : excludedDns).Add(subtree.ReadCharacterString(UniversalTagNumber.IA5String, DnsNameTag));
                }
                else if (nameTag.HasSameClassAndValue(IpAddressTag))
                {
                    (permitted ? permittedIp : excludedIp).Add(subtree.ReadOctetString(IpAddressTag));
                }
                else
                {
                    subtree.ReadEncodedValue();
                }
            }
        }

        return new ParsedNameConstraints(critical, permittedDns, excludedDns, permittedIp, excludedIp);
    }

    /// <summary>True when the constraint subtree permits the DNS name (RFC 5280 subtree rules, leading dot = subdomains only).</summary>
    public static bool SubtreePermits(string subtree, string name)
    {
        if (subtree.StartsWith('.'))
        {
            return name.Length > subtree.Length && name.EndsWith(subtree, StringComparison.OrdinalIgnoreCase);
        }

        return name.Equals(subtree, StringComparison.OrdinalIgnoreCase)
            || (name.Length > subtree.Length + 1
                && name.EndsWith(subtree, StringComparison.OrdinalIgnoreCase)
                && name[name.Length - subtree.Length - 1] == '.');
    }

    /// <summary>True when the subtree permits every name the host pattern can match.</summary>
    public static bool SubtreeCoversPattern(string subtree, string pattern)
    {
        if (!pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            return SubtreePermits(subtree, pattern);
        }

        // Every subdomain of the pattern's base is permitted when the base is the subtree's own name or lies under it.
        var patternBase = pattern[2..];
        var subtreeBase = subtree.TrimStart('.');
        return patternBase.Equals(subtreeBase, StringComparison.OrdinalIgnoreCase) || SubtreePermits("." + subtreeBase, patternBase);
    }
}
