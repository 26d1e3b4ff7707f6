using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Platform.Inference.Engine;

/// <summary>
/// The two things every decode step does to a row of logits, vectorised: widen fp16 to fp32, and find the
/// arg-max. Both are exact: the conversion matches <c>(float)Half</c> for every one of the 65,536 values, and
/// the arg-max returns the lowest index among equal maxima.
/// </summary>
internal static class LogitsMath
{
    private const uint ExponentMask = 0x7C00u << 13;
    private const uint ExponentAdjust = (127 - 15) << 23;
    private const uint InfNanAdjust = (128 - 16) << 23;
    private const uint SubnormalAdjust = 1u << 23;
    private const uint Magic = 113u << 23;

    /// <summary>fp16 to fp32 by bit manipulation (the library routine falls back to a scalar loop here).</summary>
    public static void ToSingle(ReadOnlySpan<Half> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination is shorter than the source.", nameof(destination));
        }

        var bits = MemoryMarshal.Cast<Half, ushort>(source);
        var output = MemoryMarshal.Cast<float, uint>(destination);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var magic = Vector256.Create(Magic).AsSingle();
            for (; i <= bits.Length - Vector256<uint>.Count; i += Vector256<uint>.Count)
            {
                var (lower, upper) = Vector128.Widen(Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(bits), (nuint)i));
                var h = Vector256.Create(lower, upper);
                var value = (h & Vector256.Create(0x7FFFu)) << 13;
                var exponent = value & Vector256.Create(ExponentMask);
                value += Vector256.Create(ExponentAdjust);
                var isInfNan = Vector256.Equals(exponent, Vector256.Create(ExponentMask));
                var isSubnormal = Vector256.Equals(exponent, Vector256<uint>.Zero);
                value += isInfNan & Vector256.Create(InfNanAdjust);
                var renormalised = ((value + Vector256.Create(SubnormalAdjust)).AsSingle() - magic).AsUInt32();
                value = Vector256.ConditionalSelect(isSubnormal, renormalised, value);
                value |= (h & Vector256.Create(0x8000u)) << 16;
                value.StoreUnsafe(ref MemoryMarshal.GetReference(output), (nuint)i);
            }
        }

        for (; i < bits.Length; i++)
        {
            destination[i] = (float)source[i];
        }
    }

    /// <summary>
    /// Arg-max straight on fp16 bits, without widening: each value maps to an unsigned key that orders like the
    /// number (negative values flipped, -0 made +0, NaN made the smallest key), so sixteen compare at once.
    /// </summary>
    public static int ArgMax(ReadOnlySpan<Half> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("No values.", nameof(values));
        }

        var bits = MemoryMarshal.Cast<Half, ushort>(values);
        ushort max = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var best = Vector256<ushort>.Zero;
            for (; i <= bits.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                best = Vector256.Max(best, OrderKeys(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(bits), (nuint)i)));
            }

            for (var lane = 0; lane < Vector256<ushort>.Count; lane++)
            {
                max = Math.Max(max, best[lane]);
            }
        }

        for (; i < bits.Length; i++)
        {
            max = Math.Max(max, OrderKey(bits[i]));
        }

        i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var wanted = Vector256.Create(max);
            for (; i <= bits.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                var mask = Vector256.Equals(OrderKeys(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(bits), (nuint)i)), wanted).ExtractMostSignificantBits();
                if (mask != 0)
                {
                    return i + BitOperations.TrailingZeroCount(mask);
                }
            }
        }

        for (; i < bits.Length; i++)
        {
            if (OrderKey(bits[i]) == max)
            {
                return i;
            }
        }

        return 0;
    }

    private static ushort OrderKey(ushort h)
    {
        if ((h & 0x7FFF) > 0x7C00)
        {
            return 0;
        }

        return (h & 0x8000) != 0 && h != 0x8000 ? (ushort)~h : (ushort)((h & 0x7FFF) | 0x8000);
    }

    private static Vector256<ushort> OrderKeys(Vector256<ushort> h)
    {
        var magnitude = h & Vector256.Create((ushort)0x7FFF);
        var negative = Vector256.Equals(h & Vector256.Create((ushort)0x8000), Vector256.Create((ushort)0x8000)) & ~Vector256.Equals(magnitude, Vector256<ushort>.Zero);
        var keys = Vector256.ConditionalSelect(negative, ~h, magnitude | Vector256.Create((ushort)0x8000));
        var isNaN = Vector256.GreaterThan(magnitude, Vector256.Create((ushort)0x7C00));
        return Vector256.AndNot(keys, isNaN);
    }

    /// <summary>The index of the largest value; among equal maxima the lowest index. NaN never wins.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("No values.", nameof(values));
        }

        var max = float.NegativeInfinity;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<float>.Count)
        {
            var best = Vector256.Create(float.NegativeInfinity);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(values), (nuint)i);
                // NaN lanes compare false and are never selected.
                best = Vector256.ConditionalSelect(Vector256.GreaterThan(v, best), v, best);
            }

            for (var lane = 0; lane < Vector256<float>.Count; lane++)
            {
                max = Math.Max(max, best[lane]);
            }
        }

        for (; i < values.Length; i++)
        {
            if (values[i] > max)
            {
                max = values[i];
            }
        }

        return FirstIndexOf(values, max);
    }

    private static int FirstIndexOf(ReadOnlySpan<float> values, float target)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var wanted = Vector256.Create(target);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var mask = Vector256.Equals(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(values), (nuint)i), wanted).ExtractMostSignificantBits();
                if (mask != 0)
                {
                    return i + BitOperations.TrailingZeroCount(mask);
                }
            }
        }

        for (; i < values.Length; i++)
        {
            if (values[i] == target)
            {
                return i;
            }
        }

        // Every value was NaN (or -infinity with NaN around it): the first finite-or-not position is as good as any.
        return 0;
    }

    /// <summary>log(sum(exp(x))), computed stably around the maximum.</summary>
    public static float LogSumExp(ReadOnlySpan<float> values)
    {
        var max = values[ArgMax(values)];
        if (float.IsNegativeInfinity(max))
        {
            return max;
        }

        var sum = 0d;
        foreach (var value in values)
        {
            sum += Math.Exp(value - max);
        }

        return max + (float)Math.Log(sum);
    }

    /// <summary>The <paramref name="count"/> largest values as log-probabilities, most likely first, lower ids first among equals.</summary>
    public static TokenLogprob[] TopK(ReadOnlySpan<float> logits, int count, float logNormaliser)
    {
        count = Math.Min(count, logits.Length);
        var ids = new int[count];
        var values = new float[count];
        var filled = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            var value = logits[i];
            if (filled == count && !(value > values[count - 1]))
            {
                continue;
            }

            // Insertion into a short sorted list; strict ">" keeps the earlier (lower) id ahead of an equal value.
            var position = filled < count ? filled++ : count - 1;
            while (position > 0 && value > values[position - 1])
            {
                values[position] = values[position - 1];
                ids[position] = ids[position - 1];
                position--;
            }

            values[position] = value;
            ids[position] = i;
        }

        var result = new TokenLogprob[filled];
        for (var i = 0; i < filled; i++)
        {
            result[i] = new TokenLogprob(ids[i], values[i] - logNormaliser);
        }

        return result;
    }
}
