// What a start needs to know about an existing CA, read from its two files with the managed ASN.1 reader only.
using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Tokentap.Engine.Certificates;

/// <summary>
/// The CA certificate's validity and permitted DNS subtrees, read from ca.pem and checked against ca.key.pem (one
/// PKCS#8 EC key whose public key is the certificate's), without loading the platform's crypto library: that costs a
/// start tens of milliseconds and is only needed to sign the first leaf. <see cref="TryRead"/> returns null whenever
/// the files are anything but that (missing, several PEM blocks, another key type, a public key that differs, no name
/// constraints, a key without its public part): the full load then decides, as it always did.
/// </summary>
internal sealed record CaFileFacts(string CertificatePem, string KeyPem, DateTimeOffset NotBefore, DateTimeOffset NotAfter, IReadOnlyList<string> Subtrees)
{
    private const string NameConstraintsOid = "2.5.29.30";
    private static readonly Asn1Tag Version = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Extensions = new(TagClass.ContextSpecific, 3, isConstructed: true);
    private static readonly Asn1Tag EcPublicKey = new(TagClass.ContextSpecific, 1, isConstructed: true);

    /// <summary>The facts, or null when the files need the full load (or do not exist).</summary>
    public static CaFileFacts? TryRead(string certificatePath, string keyPath)
    {
        try
        {
            if (!File.Exists(certificatePath) || !File.Exists(keyPath))
            {
                return null;
            }

            var certificatePem = CertificateAuthority.NormalizePem(File.ReadAllText(certificatePath));
            var keyPem = File.ReadAllText(keyPath);
            if (Decode(certificatePem, "CERTIFICATE") is not { } certificate || Decode(keyPem, "PRIVATE KEY") is not { } key)
            {
                return null;
            }

            var facts = ReadCertificate(certificate, out var algorithm, out var publicKey);
            return facts is not null && ReadKeyPublicPart(key, algorithm) is { } keyPublic && keyPublic.AsSpan().SequenceEqual(publicKey)
                ? facts with { CertificatePem = certificatePem, KeyPem = keyPem }
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or AsnContentException or CryptographicException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The DER of a file holding exactly one PEM block with this label, else null.</summary>
    private static byte[]? Decode(string text, string label)
    {
        // PemEncoding is managed code (RFC 7468): it does not load the crypto library either.
        if (!PemEncoding.TryFind(text, out var fields) || !text.AsSpan(fields.Label).SequenceEqual(label)
            || !text.AsSpan(..fields.Location.Start).IsWhiteSpace() || !text.AsSpan(fields.Location.End..).IsWhiteSpace())
        {
            return null;
        }

        var der = new byte[fields.DecodedDataLength];
        return Convert.TryFromBase64Chars(text.AsSpan(fields.Base64Data), der, out var written) && written == der.Length ? der : null;
    }

    // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature } (RFC 5280 4.1).
    private static CaFileFacts? ReadCertificate(byte[] der, out byte[] algorithm, out byte[] publicKey)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var certificate = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var tbs = certificate.ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(Version))
        {
            tbs.ReadEncodedValue();
        }

        tbs.ReadIntegerBytes();
        tbs.ReadEncodedValue(); // signature algorithm
        tbs.ReadEncodedValue(); // issuer
        var validity = tbs.ReadSequence();
        var notBefore = ReadTime(validity);
        var notAfter = ReadTime(validity);
        validity.ThrowIfNotEmpty();
        tbs.ReadEncodedValue(); // subject
        var subjectPublicKeyInfo = tbs.ReadSequence();
        algorithm = subjectPublicKeyInfo.ReadEncodedValue().ToArray();
        publicKey = subjectPublicKeyInfo.ReadBitString(out _);
        IReadOnlyList<string>? subtrees = null;
        while (tbs.HasData)
        {
            if (!tbs.PeekTag().HasSameClassAndValue(Extensions))
            {
                tbs.ReadEncodedValue(); // issuerUniqueID, subjectUniqueID
                continue;
            }

            var extensions = tbs.ReadSequence(Extensions).ReadSequence();
            while (extensions.HasData)
            {
                var extension = extensions.ReadSequence();
                var oid = extension.ReadObjectIdentifier();
                var critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
                var value = extension.ReadOctetString();
                if (oid == NameConstraintsOid)
                {
                    var constraints = NameConstraints.Parse(value, critical);
                    subtrees = constraints.Critical && constraints.PermittedDnsNames.Count > 0 ? constraints.PermittedDnsNames : null;
                }
            }
        }

        return subtrees is null ? null : new CaFileFacts("", "", notBefore, notAfter, subtrees);
    }

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();

    // PrivateKeyInfo ::= SEQUENCE { version, privateKeyAlgorithm, privateKey OCTET STRING (ECPrivateKey), ... } (RFC 5208,
    // 5915): the public key the EC private key carries, when its algorithm is the certificate's.
    private static byte[]? ReadKeyPublicPart(byte[] der, byte[] certificateAlgorithm)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var info = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        info.ReadIntegerBytes();
        if (!info.ReadEncodedValue().Span.SequenceEqual(certificateAlgorithm))
        {
            return null;
        }

        var ecReader = new AsnReader(info.ReadOctetString(), AsnEncodingRules.DER);
        var ecPrivateKey = ecReader.ReadSequence();
        ecReader.ThrowIfNotEmpty();
        ecPrivateKey.ReadIntegerBytes();
        ecPrivateKey.ReadOctetString();
        while (ecPrivateKey.HasData)
        {
            if (ecPrivateKey.PeekTag().HasSameClassAndValue(EcPublicKey))
            {
                return ecPrivateKey.ReadSequence(EcPublicKey).ReadBitString(out _);
            }

            ecPrivateKey.ReadEncodedValue();
        }

        return null;
    }
}
