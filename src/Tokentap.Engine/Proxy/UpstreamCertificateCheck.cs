// Turns a rejected upstream certificate into a reason a person can act on (expired, name mismatch, untrusted root).
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Tokentap.Engine.Proxy;

/// <summary>Describes why the platform's certificate validation failed for an upstream.</summary>
internal static class UpstreamCertificateCheck
{
    public static string Describe(SslPolicyErrors errors, X509Certificate? certificate, X509Chain? chain, string host, DateTime nowUtc)
    {
        var reasons = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            reasons.Add("the server sent no certificate");
        }

        var leaf = certificate as X509Certificate2;
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            var names = leaf is null ? null : DescribeNames(leaf);
            reasons.Add(names is null ? $"name mismatch: the certificate is not valid for {host}" : $"name mismatch: the certificate is for {names}, not {host}");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var flags = X509ChainStatusFlags.NoError;
            if (chain is not null)
            {
                foreach (var status in chain.ChainStatus)
                {
                    flags |= status.Status;
                }
            }

            if (flags.HasFlag(X509ChainStatusFlags.NotTimeValid))
            {
                var expired = FindOutOfDate(chain, leaf, nowUtc);
                reasons.Add(expired);
            }

            if (flags.HasFlag(X509ChainStatusFlags.UntrustedRoot) || flags.HasFlag(X509ChainStatusFlags.PartialChain))
            {
                var selfSigned = leaf is not null && leaf.SubjectName.RawData.AsSpan().SequenceEqual(leaf.IssuerName.RawData);
                var root = chain is { ChainElements.Count: > 0 } ? chain.ChainElements[^1].Certificate.Subject : leaf?.Issuer;
                reasons.Add(selfSigned
                    ? $"untrusted root: the certificate is self-signed ({leaf!.Subject})"
                    : $"untrusted root: {root} is not a trusted root");
            }

            if (flags.HasFlag(X509ChainStatusFlags.Revoked))
            {
                reasons.Add("the certificate was revoked");
            }

            var other = flags & ~(X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain
                | X509ChainStatusFlags.Revoked | X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation);
            if (other != X509ChainStatusFlags.NoError || (flags == X509ChainStatusFlags.NoError && reasons.Count == 0))
            {
                reasons.Add($"chain error: {(other == X509ChainStatusFlags.NoError ? "unknown" : other.ToString())}");
            }
        }

        return reasons.Count == 0 ? $"rejected ({errors})" : string.Join("; ", reasons);
    }

    private static string FindOutOfDate(X509Chain? chain, X509Certificate2? leaf, DateTime nowUtc)
    {
        var candidates = new List<X509Certificate2>();
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                candidates.Add(element.Certificate);
            }
        }
        else if (leaf is not null)
        {
            candidates.Add(leaf);
        }

        foreach (var certificate in candidates)
        {
            var notAfter = certificate.NotAfter.ToUniversalTime();
            var notBefore = certificate.NotBefore.ToUniversalTime();
            if (notAfter < nowUtc)
            {
                return $"expired: {certificate.Subject} expired on {notAfter:yyyy-MM-dd HH:mm} UTC";
            }

            if (notBefore > nowUtc)
            {
                return $"not yet valid: {certificate.Subject} is valid from {notBefore:yyyy-MM-dd HH:mm} UTC";
            }
        }

        return "expired or not yet valid";
    }

    private static string? DescribeNames(X509Certificate2 certificate)
    {
        var builder = new StringBuilder();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                foreach (var name in san.EnumerateDnsNames())
                {
                    builder.Append(builder.Length == 0 ? string.Empty : ", ").Append(name);
                }

                foreach (var address in san.EnumerateIPAddresses())
                {
                    builder.Append(builder.Length == 0 ? string.Empty : ", ").Append(address);
                }
            }
        }

        if (builder.Length > 0)
        {
            return builder.ToString();
        }

        var cn = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return string.IsNullOrEmpty(cn) ? null : cn;
    }
}
