// Reads the documents of a LiteDB 5 file page by page, without LiteDB, so a damaged file gives up only damaged pages.
using System.Buffers.Binary;
using LiteDB;

namespace Tokentap.Engine.Usage;

/// <summary>
/// LiteDB 5 (file format 8) keeps documents in data pages of 8 KiB: a 32-byte page header (page id at 0, page type at
/// 4, transaction id at 14, "confirmed" at 18), blocks of document bytes, and at the page end a slot table (per item:
/// length, then position, 2 bytes each, counted from the end). A block starts with an "extend" flag and the address
/// (page id, item index) of the next block of the same document. Following the chains from every first block rebuilds
/// every document whose pages are all readable, whatever happened to the indexes, the collection pages or the header.
/// Pages in the log file of confirmed transactions replace the data file's copies, as LiteDB's own recovery does.
/// </summary>
internal static class UsagePageReader
{
    private const int PageSize = 8192;
    private const int PageHeaderSize = 32;
    private const int SlotSize = 4;
    private const int BlockHeaderSize = 6;
    private const byte DataPage = 4;
    private const int MaxChain = 4096;

    /// <summary>A document read back, with the pages its bytes came from.</summary>
    public sealed record PageDocument(BsonDocument Document, IReadOnlyList<uint> Pages);

    /// <summary>Every document whose blocks could all be read; damaged ones are skipped.</summary>
    public static List<PageDocument> ReadDocuments(string dataFile, string? logFile)
    {
        var pages = ReadPages(dataFile, applyConfirmedOnly: false);
        if (logFile is not null && File.Exists(logFile))
        {
            foreach (var (id, page) in ReadPages(logFile, applyConfirmedOnly: true))
            {
                pages[id] = page;
            }
        }

        var documents = new List<PageDocument>();
        foreach (var (id, page) in pages)
        {
            if (page[4] != DataPage)
            {
                continue;
            }

            var items = Math.Min(page[30] + 1, (PageSize - PageHeaderSize) / SlotSize);
            for (var index = 0; index < items; index++)
            {
                if (Block(page, index) is not { } head || head.Extend)
                {
                    continue;
                }

                if (Assemble(pages, id, head) is { } document)
                {
                    documents.Add(document);
                }
            }
        }

        return documents;
    }

    private readonly record struct BlockView(bool Extend, uint NextPage, byte NextIndex, int Offset, int Length);

    private static BlockView? Block(byte[] page, int index)
    {
        var slot = PageSize - (index + 1) * SlotSize;
        var length = BinaryPrimitives.ReadUInt16LittleEndian(page.AsSpan(slot));
        var position = BinaryPrimitives.ReadUInt16LittleEndian(page.AsSpan(slot + 2));
        if (length <= BlockHeaderSize || position < PageHeaderSize || position + length > slot)
        {
            return null;
        }

        return new BlockView(
            page[position] != 0,
            BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(position + 1)),
            page[position + 5],
            position + BlockHeaderSize,
            length - BlockHeaderSize);
    }

    private static PageDocument? Assemble(Dictionary<uint, byte[]> pages, uint firstPage, BlockView first)
    {
        using var bytes = new MemoryStream();
        var used = new List<uint> { firstPage };
        var page = pages[firstPage];
        var block = first;
        for (var links = 0; ; links++)
        {
            bytes.Write(page, block.Offset, block.Length);
            if (block.NextPage == uint.MaxValue)
            {
                break;
            }

            if (links >= MaxChain || !pages.TryGetValue(block.NextPage, out page) || page[4] != DataPage
                || Block(page, block.NextIndex) is not { Extend: true } next)
            {
                return null;
            }

            used.Add(block.NextPage);
            block = next;
        }

        try
        {
            var buffer = bytes.ToArray();
            if (buffer.Length < 5 || BinaryPrimitives.ReadInt32LittleEndian(buffer) != buffer.Length)
            {
                return null;
            }

            return new PageDocument(BsonSerializer.Deserialize(buffer), used);
        }
        catch (Exception)
        {
            // Bytes that do not make a document: a damaged block.
            return null;
        }
    }

    /// <summary>The whole pages of a file by page id (a partial last page is cut off, as LiteDB does).</summary>
    private static Dictionary<uint, byte[]> ReadPages(string file, bool applyConfirmedOnly)
    {
        var pages = new Dictionary<uint, byte[]>();
        var log = new List<(uint Id, uint Transaction, bool Confirmed, byte[] Page)>();
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        while (true)
        {
            var page = new byte[PageSize];
            if (stream.ReadAtLeast(page, PageSize, throwOnEndOfStream: false) < PageSize)
            {
                break;
            }

            var id = BinaryPrimitives.ReadUInt32LittleEndian(page);
            if (applyConfirmedOnly)
            {
                log.Add((id, BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(14)), page[18] != 0, page));
            }
            else
            {
                pages[(uint)(stream.Position / PageSize - 1)] = page;
            }
        }

        if (applyConfirmedOnly)
        {
            var confirmed = log.Where(p => p.Confirmed).Select(p => p.Transaction).ToHashSet();
            foreach (var entry in log.Where(p => confirmed.Contains(p.Transaction)))
            {
                pages[entry.Id] = entry.Page;
            }
        }

        return pages;
    }
}
