// Reads which engine namespaces each engine type references: fields, signatures, base types and IL, via metadata.
using System.Collections.Immutable;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Tokentap.Engine.Tests.Architecture;

/// <summary>
/// The namespace graph of one assembly's own types: for each type, the namespaces of the types of the same assembly
/// it names in its base type, interfaces, fields, method signatures, locals and method bodies. Nested and
/// compiler-generated types count as their outermost declaring type.
/// </summary>
internal sealed class NamespaceReferences
{
    private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields()
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    private readonly MetadataReader _reader;
    private readonly PEReader _pe;
    private readonly SignatureNamespaces _signatures;

    private NamespaceReferences(PEReader pe)
    {
        _pe = pe;
        _reader = pe.GetMetadataReader();
        _signatures = new SignatureNamespaces();
    }

    /// <summary>Every referencing edge: (from namespace, to namespace, from type, to type); no self edges.</summary>
    public List<(string From, string To, string FromType, string ToType)> Edges { get; } = new();

    public static NamespaceReferences Read(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var references = new NamespaceReferences(pe);
        foreach (var handle in references._reader.TypeDefinitions)
        {
            references.ReadType(handle);
        }

        return references;
    }

    /// <summary>The outermost declaring type's full name and namespace.</summary>
    internal (string Name, string Namespace) Outermost(TypeDefinitionHandle handle)
    {
        var type = _reader.GetTypeDefinition(handle);
        while (type.IsNested)
        {
            type = _reader.GetTypeDefinition(type.GetDeclaringType());
        }

        var ns = _reader.GetString(type.Namespace);
        return ($"{ns}.{_reader.GetString(type.Name)}", ns);
    }

    private void ReadType(TypeDefinitionHandle handle)
    {
        var (name, ns) = Outermost(handle);
        var type = _reader.GetTypeDefinition(handle);
        var found = new HashSet<TypeDefinitionHandle>();
        AddEntity(type.BaseType, found);
        foreach (var implementation in type.GetInterfaceImplementations())
        {
            AddEntity(_reader.GetInterfaceImplementation(implementation).Interface, found);
        }

        foreach (var field in type.GetFields())
        {
            found.UnionWith(_reader.GetFieldDefinition(field).DecodeSignature(_signatures, null));
        }

        foreach (var methodHandle in type.GetMethods())
        {
            ReadMethod(_reader.GetMethodDefinition(methodHandle), found);
        }

        foreach (var target in found)
        {
            var (targetName, targetNs) = Outermost(target);
            if (targetNs != ns)
            {
                Edges.Add((ns, targetNs, name, targetName));
            }
        }
    }

    private void ReadMethod(MethodDefinition method, HashSet<TypeDefinitionHandle> found)
    {
        var signature = method.DecodeSignature(_signatures, null);
        found.UnionWith(signature.ReturnType);
        foreach (var parameter in signature.ParameterTypes)
        {
            found.UnionWith(parameter);
        }

        if (method.RelativeVirtualAddress == 0)
        {
            return;
        }

        var body = _pe.GetMethodBody(method.RelativeVirtualAddress);
        if (!body.LocalSignature.IsNil)
        {
            foreach (var local in _reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(_signatures, null))
            {
                found.UnionWith(local);
            }
        }

        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il.ReadByte());
            }

            switch (OperandTypes[value])
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    AddEntity(MetadataTokens.EntityHandle(il.ReadInt32()), found);
                    break;
                default:
                    il.Offset += 4;
                    break;
            }
        }
    }

    /// <summary>Adds the own types a token names: a type, a member's declaring type, a generic instantiation's arguments.</summary>
    private void AddEntity(EntityHandle handle, HashSet<TypeDefinitionHandle> found)
    {
        if (handle.IsNil)
        {
            return;
        }

        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                found.Add((TypeDefinitionHandle)handle);
                break;
            case HandleKind.TypeSpecification:
                found.UnionWith(_reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(_signatures, null));
                break;
            case HandleKind.FieldDefinition:
                found.Add(_reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.MethodDefinition:
                found.Add(_reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.MemberReference:
                var member = _reader.GetMemberReference((MemberReferenceHandle)handle);
                AddEntity(member.Parent, found);
                if (member.GetKind() == MemberReferenceKind.Field)
                {
                    found.UnionWith(member.DecodeFieldSignature(_signatures, null));
                }
                else
                {
                    var signature = member.DecodeMethodSignature(_signatures, null);
                    found.UnionWith(signature.ReturnType);
                    foreach (var parameter in signature.ParameterTypes)
                    {
                        found.UnionWith(parameter);
                    }
                }

                break;
            case HandleKind.MethodSpecification:
                var specification = _reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                AddEntity(specification.Method, found);
                foreach (var argument in specification.DecodeSignature(_signatures, null))
                {
                    found.UnionWith(argument);
                }

                break;
        }
    }

    /// <summary>Decodes a signature into the own type definitions it names (references to other assemblies drop out).</summary>
    private sealed class SignatureNamespaces : ISignatureTypeProvider<ImmutableArray<TypeDefinitionHandle>, object?>
    {
        public ImmutableArray<TypeDefinitionHandle> GetArrayType(ImmutableArray<TypeDefinitionHandle> elementType, ArrayShape shape) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetByReferenceType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetFunctionPointerType(MethodSignature<ImmutableArray<TypeDefinitionHandle>> signature) =>
            signature.ParameterTypes.Aggregate(signature.ReturnType, (all, p) => all.AddRange(p));

        public ImmutableArray<TypeDefinitionHandle> GetGenericInstantiation(ImmutableArray<TypeDefinitionHandle> genericType, ImmutableArray<ImmutableArray<TypeDefinitionHandle>> typeArguments) =>
            typeArguments.Aggregate(genericType, (all, a) => all.AddRange(a));

        public ImmutableArray<TypeDefinitionHandle> GetGenericMethodParameter(object? genericContext, int index) => ImmutableArray<TypeDefinitionHandle>.Empty;

        public ImmutableArray<TypeDefinitionHandle> GetGenericTypeParameter(object? genericContext, int index) => ImmutableArray<TypeDefinitionHandle>.Empty;

        public ImmutableArray<TypeDefinitionHandle> GetModifiedType(ImmutableArray<TypeDefinitionHandle> modifier, ImmutableArray<TypeDefinitionHandle> unmodifiedType, bool isRequired) => unmodifiedType;

        public ImmutableArray<TypeDefinitionHandle> GetPinnedType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetPointerType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetPrimitiveType(PrimitiveTypeCode typeCode) => ImmutableArray<TypeDefinitionHandle>.Empty;

        public ImmutableArray<TypeDefinitionHandle> GetSZArrayType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => ImmutableArray.Create(handle);

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => ImmutableArray<TypeDefinitionHandle>.Empty;

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
    }
}
