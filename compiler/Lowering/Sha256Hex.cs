using System;
using System.Text;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>A SHA-256 as the plan writes it: 64 lowercase hex digits.</summary>
    public static class Sha256Hex
    {
        public const int Bytes = 32;

        public static string Format(byte[] hash)
        {
            var sb = new StringBuilder(2 * hash.Length);
            foreach (byte b in hash)
                sb.Append(Digit(b >> 4)).Append(Digit(b & 0xF));
            return sb.ToString();
        }

        public static bool IsValid(string text)
        {
            if (text.Length != 2 * Bytes)
                return false;
            foreach (char c in text)
                if (Value(c) < 0)
                    return false;
            return true;
        }

        public static byte[] Parse(string text)
        {
            if (!IsValid(text))
                throw new FormatException($"a SHA-256 is {2 * Bytes} lowercase hex digits, not '{text}'");
            var hash = new byte[Bytes];
            for (int i = 0; i < Bytes; i++)
                hash[i] = (byte)(Value(text[2 * i]) << 4 | Value(text[2 * i + 1]));
            return hash;
        }

        private static char Digit(int v) => (char)(v < 10 ? '0' + v : 'a' + v - 10);

        private static int Value(char c) => c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    }
}
